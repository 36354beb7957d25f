package com.example.greet;

public final class GreeterHandler implements Greeter {
    @Override
    public String greet(String name) {
        return "hello, " + name;
    }
}
