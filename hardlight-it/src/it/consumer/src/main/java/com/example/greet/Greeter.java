package com.example.greet;

import dev.hardlight.Rpc;

@Rpc
public interface Greeter {
    String greet(String name);
}
