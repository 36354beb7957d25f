package com.example.greet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hardlight.testing.HardLightExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class GreeterTest {
    @RegisterExtension
    static final HardLightExtension<Greeter> hl = HardLightExtension.serve(Greeter.class, c -> new GreeterHandler());

    @Test
    void theGeneratedClientCallsTheServer() {
        GreeterClient client = hl.connect(GreeterClient::new);
        assertEquals("hello, consumer", client.greet("consumer"));
    }
}
