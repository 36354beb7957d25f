package evo;

import dev.hardlight.ConnectionState;
import dev.hardlight.Default;
import dev.hardlight.Fallback;
import dev.hardlight.Rpc;

/** Version 2 of the evolution tests' contract: v1 with every allowed change, appended. */
@Rpc(name = "Shop", state = Shop.State.class, events = Shop.Shape.class)
public interface Shop {
    Item find(String name, @Default("10") int limit);

    Color paint(Color color);

    Tone tone(Tone tone);

    Shape draw(Shape shape);

    int added(int x);

    record Item(String name, int count, @Default("1") int quantity) {}

    enum Color { RED, GREEN, BLUE }

    enum Tone { @Fallback UNKNOWN, LOW, HIGH }

    sealed interface Shape permits Shape.Other, Shape.Circle, Shape.Square {
        @Fallback
        record Other() implements Shape {}

        record Circle(double radius) implements Shape {}

        record Square(double side) implements Shape {}
    }

    @ConnectionState
    record State(int counter, String user, int extra) {}
}
