"""Read the machine a shared object was built for, from its ELF header."""

from __future__ import annotations

AARCH64 = 0xB7
X86_64 = 0x3E


def elf_machine(data: bytes) -> int:
    """``e_machine``: 2 bytes at offset 18, in the byte order ``EI_DATA`` (offset 5) announces."""
    assert data[:4] == b"\x7fELF", "not an ELF file"
    order = "little" if data[5] == 1 else "big"
    return int.from_bytes(data[18:20], order)
