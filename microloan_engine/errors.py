"""Errors raised by the calculation core."""


class EngineError(ValueError):
    """Invalid input to the engine.

    ``field`` names the input at fault (``"principal"``, ``"annual_rate"``...) so a
    caller can attach the message to the right form field; ``message`` is the
    English explanation, suitable for translation on the caller's side.
    """

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self):
        return (type(self), (self.field, self.message))
