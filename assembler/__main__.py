"""``python -m assembler``: the same command as ``assembler``."""

from assembler.launcher import run

if __name__ == "__main__":
    run()
