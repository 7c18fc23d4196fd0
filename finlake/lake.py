"""The lake folder: one place, laid out like the S3 bucket, that a local run reads and writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LAKE_ENV = "FINLAKE_LAKE"
DEFAULT_LAKE = "lake"


@dataclass(frozen=True)
class Lake:
    root: Path

    @classmethod
    def resolve(cls, lake: str | os.PathLike[str] | None = None) -> Lake:
        """`--lake DIR`, else the FINLAKE_LAKE variable, else ./lake."""
        chosen = lake if lake else os.environ.get(LAKE_ENV) or DEFAULT_LAKE
        return cls(Path(chosen).expanduser().resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def truth(self) -> Path:
        return self.root / "_truth"

    @property
    def bronze(self) -> Path:
        return self.root / "bronze"

    @property
    def malformed(self) -> Path:
        return self.bronze / "_malformed"

    @property
    def load_log(self) -> Path:
        return self.bronze / "_load_log"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def gold(self) -> Path:
        return self.root / "gold"

    @property
    def ml(self) -> Path:
        return self.root / "ml"

    def landing_dir(self, entity: str) -> Path:
        return self.landing / entity
