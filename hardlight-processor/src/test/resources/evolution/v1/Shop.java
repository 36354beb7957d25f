package evo;

import dev.hardlight.ConnectionState;
import dev.hardlight.Fallback;
import dev.hardlight.Rpc;

/** Version 1 of the evolution tests' contract. */
@Rpc(name = "Shop", state = Shop.State.class, events = Shop.Shape.class)
public interface Shop {
    Item find(String name);

    Color paint(Color color);

    Tone tone(Tone tone);

    Shape draw(Shape shape);

    record Item(String name) {}

    enum Color { RED, GREEN }

    enum Tone { @Fallback UNKNOWN, LOW }

    sealed interface Shape permits Shape.Other, Shape.Circle {
        @Fallback
        record Other() implements Shape {}

        record Circle(double radius) implements Shape {}
    }

    @ConnectionState
    record State(int counter, String user) {}
}
