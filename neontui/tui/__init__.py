"""The Textual console. Domain logic lives in neontui.core; this package only shows it and wires workers."""
