"""The parts of modules.scripts an AlwaysVisible script touches."""

AlwaysVisible = object()


class Script:
    def __init__(self):
        self.callbacks: dict[str, object] = {}

    def on_after_component(self, callback, *, elem_id):
        self.callbacks[elem_id] = callback
