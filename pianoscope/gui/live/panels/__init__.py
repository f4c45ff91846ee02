"""Live panels: each a widget with `show_frame(frame)` that only draws what it is given."""
