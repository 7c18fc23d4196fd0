"""What the Terraform grants stays what was reviewed: every role's, key's, bucket's and topic's
permissions, one action on one resource a line (tests/terraform/permissions.py), against the
committed listing tests/terraform/permissions.txt. A refactoring of terraform/ passes unchanged;
a change of permissions fails here until the listing is regenerated, so the review sees it."""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.terraform.permissions import permission_lines

LISTING = Path(__file__).with_name("permissions.txt")


def test_the_permissions_are_the_reviewed_ones(modules, root):
    committed = LISTING.read_text(encoding="utf-8").splitlines()
    current = permission_lines(modules, root)
    diff = list(difflib.unified_diff(committed, current, "permissions.txt", "terraform/", n=0))
    assert not diff, (
        "The Terraform grants other permissions than tests/terraform/permissions.txt lists; if "
        "that is intended, regenerate it (python -m tests.terraform.permissions > "
        "tests/terraform/permissions.txt) and review the diff:\n" + "\n".join(diff[:40])
    )
