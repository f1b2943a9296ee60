"""Developer tools (the local Google Sheets API emulator). Never imported by the worker's run path."""
