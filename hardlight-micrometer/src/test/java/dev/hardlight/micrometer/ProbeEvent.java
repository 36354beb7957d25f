package dev.hardlight.micrometer;

public sealed interface ProbeEvent permits ProbeEvent.Said, ProbeEvent.Blob {
    record Said(String text) implements ProbeEvent {}

    record Blob(byte[] bytes) implements ProbeEvent {}
}
