"""The one exception type for input that cannot be read: file, line and column attached."""


class DerivError(Exception):
    """A derivation file, expression or command argument that cannot be read."""

    def __init__(self, message, file=None, line=None, column=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def located(self, file=None, line=None, column_offset=0):
        """Fill in location parts not known where the error was raised."""
        if self.file is None:
            self.file = file
        if self.line is None:
            self.line = line
        if self.column is not None and column_offset:
            self.column += column_offset
        return self

    def __str__(self):
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class DerivErrors(DerivError):
    """Every error found in one file, reported together; it reads as its first."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.message, first.file, first.line, first.column)
        self.errors = list(errors)
