"""Value classes with what @dataclass gives them, without its start-up cost.

@dataclass writes each class's methods as source text and compiles it at import time: about a
millisecond a class on a quiet machine, and `permittui show` imports some fifteen of them before
it has read a row. Here a class writes its own __init__ (compiled once into the .pyc like any other
code) that ends with `self._init(locals())`; its fields are its __init__'s parameters, in order.
Equality, hashing, repr and frozen-ness follow the fields as a dataclass's do (eq=True,
frozen=True for Record; frozen=False, and so unhashable, for MutableRecord).
"""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Frozen: equal to another instance of the same class with equal fields, and hashable."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__init__.__code__
        cls._fields = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
        cls.__match_args__ = cls._fields

    def _init(self, values: dict[str, Any]) -> None:
        # Straight into __dict__, as a frozen dataclass's __init__ does with object.__setattr__.
        d = self.__dict__
        for name in self._fields:
            d[name] = values[name]

    def _astuple(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple([d[name] for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._astuple() == other._astuple()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        d = self.__dict__
        return f"{type(self).__qualname__}({', '.join(f'{n}={d[n]!r}' for n in self._fields)})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError   # only on a mistake: dataclasses is a heavy import

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


class MutableRecord(Record):
    """Like a dataclass with eq=True and frozen=False: fields may be assigned, and it isn't hashable."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__
    __hash__ = None  # type: ignore[assignment]

    def __init__(self) -> None:   # replaced by each subclass's own
        self._init(locals())
