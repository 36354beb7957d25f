package dev.hardlight.testing;

public sealed interface BoardEvent permits BoardEvent.Posted {
    record Posted(long connection, String text) implements BoardEvent {}
}
