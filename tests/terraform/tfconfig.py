"""Terraform configurations parsed with python-hcl2, and just enough evaluation to check them.

`terraform validate` needs the providers, which cannot be downloaded here, so the security
checks read the HCL instead. Values stay symbolic (`${var.lake.bucket_arn}/gold/*`); the
helpers below resolve the few constructs the configuration uses to build IAM policies
(`local.` references, `concat()`, `formatlist()`, `for_each` keys and `each.value`,
`source_policy_documents`) and raise
`UnsupportedExpression` on anything else, so a check fails loudly instead of passing blind.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULES = TERRAFORM / "modules"
ROOT = TERRAFORM  # the one root configuration; an environment is envs/<env>.tfvars + backend
ENVS = TERRAFORM / "envs"
ENVIRONMENTS = ("dev", "prod")

_OPTIONS = SerializationOptions(strip_string_quotes=True, with_comments=True)
_WHOLE_EXPRESSION = re.compile(r"^\$\{(.*)\}$", re.S)
_LOCAL_REF = re.compile(r"\$\{local\.([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?\}")
_DOC_REF = re.compile(
    r'^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_]+)(?:\["([A-Za-z0-9_-]+)"\])?\.json\}$'
)
_EACH_VALUE = re.compile(r"\beach\.value\b")
META_KEYS = ("__is_block__", "__comments__", "__inline_comments__")


# Terraform functions that combine their arguments: name, the arguments' type, the combination.
_COMBINERS = (
    ("concat", (list, "list"), lambda parts: [item for part in parts for item in part]),
    ("merge", (dict, "map"), lambda parts: {k: v for part in parts for k, v in part.items()}),
)


class UnsupportedExpression(ValueError):
    """An expression the checks cannot evaluate; rewrite it or teach tfconfig.py."""


@dataclass(frozen=True)
class Statement:
    """One statement of an aws_iam_policy_document, with lists resolved."""

    doc: str
    sid: str | None
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    principals: tuple[tuple[str, tuple[str, ...]], ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]
    comments: tuple[str, ...]

    def condition_values(self, variable: str) -> tuple[str, ...]:
        return tuple(v for _, var, values in self.conditions if var == variable for v in values)

    @property
    def label(self) -> str:
        return f"{self.doc}/{self.sid or '<no sid>'}"


@dataclass
class Module:
    """Every block of the *.tf files of one directory."""

    path: Path
    resources: dict[tuple[str, str], dict] = field(default_factory=dict)
    data: dict[tuple[str, str], dict] = field(default_factory=dict)
    variables: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    module_calls: dict[str, dict] = field(default_factory=dict)
    providers: list[tuple[str, dict]] = field(default_factory=list)
    terraform: list[dict] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def resources_of(self, rtype: str) -> dict[str, dict]:
        return {name: body for (t, name), body in self.resources.items() if t == rtype}

    # -- evaluation ---------------------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """Evaluate what the configuration uses: literals, `${local.x}` and `${local.x.key}`,
        `concat(...)`, `merge(...)`, list and map literals. References to variables, data
        sources, resources or `each` stay symbolic (returned as written)."""
        if not isinstance(raw, str):
            return raw
        whole = _WHOLE_EXPRESSION.match(raw)
        if whole is None:
            return self.interpolate(raw)
        expr = whole.group(1).strip()
        local = re.fullmatch(r"local\.([A-Za-z0-9_]+)", expr)
        if local:
            return self.value(self.local(local.group(1)))
        attribute = re.fullmatch(r"local\.([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+)+)", expr)
        if attribute:
            # local.a.b.c: each step a key of the map the previous step evaluates to.
            found = self.local(attribute.group(1))
            for key in attribute.group(2).split(".")[1:]:
                found = self.value(found)
                if not isinstance(found, dict) or key not in found:
                    raise UnsupportedExpression(f"{self.name}: cannot resolve {expr}")
                found = found[key]
            return self.value(found)
        for function, (kind, label), combine in _COMBINERS:
            call = re.fullmatch(rf"{function}\((.*)\)", expr, re.S)
            if call:
                parts = [self.value(_as_expression(a)) for a in _split_arguments(call.group(1))]
                for arg, part in zip(_split_arguments(call.group(1)), parts, strict=True):
                    if not isinstance(part, kind):
                        raise UnsupportedExpression(
                            f"{function}() argument is not a {label}: {arg}"
                        )
                return combine(parts)
        call = re.fullmatch(r"formatlist\((.*)\)", expr, re.S)
        if call:
            return self._formatlist(call.group(1))
        if expr.startswith("{") and expr.endswith("}") and not expr.startswith("{for "):
            parsed = hcl2.loads(f"value = {expr}\n", serialization_options=_OPTIONS)["value"]
            return {k: v for k, v in parsed.items() if k not in META_KEYS}
        if expr.startswith("[") and expr.endswith("]"):
            return [self.value(_as_expression(item)) for item in _split_arguments(expr[1:-1])]
        if re.fullmatch(r'"(?:[^"\\]|\\.)*"', expr):
            return self.interpolate(json.loads(expr))
        return raw  # a reference (var., data., each., aws_...) stays symbolic

    def _formatlist(self, arguments: str) -> list[str] | str:
        """`formatlist("<text with one %s>", list)`: the text once per item, %s replaced by it.
        A list that stays symbolic (`each.value` outside an instance) leaves the call symbolic."""
        raw_args = _split_arguments(arguments)
        if len(raw_args) != 2:
            raise UnsupportedExpression(f"{self.name}: formatlist takes two arguments: {arguments}")
        template, items = (self.value(_as_expression(a)) for a in raw_args)
        if not isinstance(template, str) or template.count("%") != 1 or "%s" not in template:
            raise UnsupportedExpression(
                f"{self.name}: formatlist needs a text with one %s and no other %: {raw_args[0]}"
            )
        if isinstance(items, str) and _WHOLE_EXPRESSION.match(items):
            return "${formatlist(" + arguments + ")}"
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise UnsupportedExpression(f"{self.name}: formatlist over a non-list: {raw_args[1]}")
        return [template.replace("%s", item) for item in items]

    def interpolate(self, text: str) -> str:
        """Replace `${local.x}` inside a template by the local's (string) value, recursively."""
        for _ in range(20):
            new = _LOCAL_REF.sub(lambda m: self._string_local(m.group(1), m.group(2)), text)
            if new == text:
                return new
            text = new
        raise UnsupportedExpression(f"locals nest too deep in {text!r}")

    def local(self, name: str) -> Any:
        if name not in self.locals:
            raise UnsupportedExpression(f"{self.name}: no local named {name}")
        return self.locals[name]

    def _string_local(self, name: str, attribute: str | None = None) -> str:
        value = self.local(name)
        where = f"local.{name}" if attribute is None else f"local.{name}.{attribute}"
        if attribute is not None:
            if isinstance(value, str) and _WHOLE_EXPRESSION.match(value):
                return "${" + where + "}"  # a computed map (for expression): stays symbolic
            if not isinstance(value, dict) or attribute not in value:
                raise UnsupportedExpression(f"{self.name}: {where} is not a key of a map local")
            value = value[attribute]
        if not isinstance(value, str):
            raise UnsupportedExpression(f"{self.name}: {where} is not a string")
        return value

    def string_list(self, raw: Any, where: str) -> list[str]:
        value = self.value(raw)
        if isinstance(value, str) and _WHOLE_EXPRESSION.match(value):
            return [value]  # a list-typed reference such as ${var.principal_arns}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UnsupportedExpression(f"{self.name}: {where} is not a list of strings: {raw!r}")
        return [self.interpolate(v) for v in value]

    # -- policy documents ---------------------------------------------------------------------

    def statements(self, reference: str) -> list[Statement]:
        """Statements of the document `${data.aws_iam_policy_document.NAME[KEY].json}`."""
        match = _DOC_REF.match(reference)
        if match is None:
            raise UnsupportedExpression(
                f"{self.name}: policy {reference!r} is not an aws_iam_policy_document reference"
            )
        return self.document_statements(match.group(1), match.group(2))

    def document_statements(self, name: str, key: str | None = None) -> list[Statement]:
        body = self.data.get(("aws_iam_policy_document", name))
        if body is None:
            raise UnsupportedExpression(f"{self.name}: no aws_iam_policy_document.{name}")
        each_value = None
        if "for_each" in body:
            for_each = body["for_each"]
            if not re.fullmatch(r"\$\{(?:local|var)\.\w+\}", str(for_each)):
                raise UnsupportedExpression(
                    f"{self.name}: {name} has for_each over neither a local nor a variable"
                )
            instances = self.local(for_each[8:-1]) if for_each.startswith("${local.") else None
            if instances is not None and not isinstance(instances, dict):
                raise UnsupportedExpression(f"{self.name}: {name} has for_each over a non-map")
            if key is None and instances is not None:
                # The keys are known: every instance, each evaluated with its own each.value.
                keys = [k for k in instances if k not in META_KEYS]
                return [s for k in keys for s in self.document_statements(name, k)]
            if key is not None:
                if instances is not None and key not in instances:
                    raise UnsupportedExpression(f"{self.name}: {name} has no instance {key!r}")
                # each.value is the map's entry: ${var.query_workgroups.analyst}, ...
                each_value = "${" + for_each[2:-1] + "." + key + "}"
                entry = instances.get(key) if instances is not None else None
                if isinstance(entry, str) and _WHOLE_EXPRESSION.match(entry):
                    # A map of references (access_roles' query_workgroups): each.value is the
                    # reference, and each.value.arn its attribute.
                    each_value = entry
        statements: list[Statement] = []
        for source in self.string_list(
            body.get("source_policy_documents", []), f"{name}.source_policy_documents"
        ):
            if re.fullmatch(r"\$\{var\.\w+\}", source) and source[6:-1] in self.variables:
                # Documents a caller passes in (secure_bucket's policy_documents) are data
                # sources of the caller's module and are checked there.
                continue
            statements.extend(self.statements(source))
        for raw in self.blocks_of(body, "statement"):
            statements.append(
                self._statement(name if key is None else f"{name}[{key}]", raw, each_value, key)
            )
        return statements

    def blocks_of(self, body: dict, name: str) -> list[dict]:
        """The nested blocks `name` of a body: those written out, then those of each
        `dynamic "<name>"` block, one per element of its for_each (a map or list, from a local or
        an enclosing dynamic block), with `<name>.key` and `<name>.value` bound in its content."""
        expanded = list(blocks(body, name))
        for dynamic in blocks(body, "dynamic"):
            if name not in dynamic:
                continue
            spec = dynamic[name]
            if "iterator" in spec or "labels" in spec:
                raise UnsupportedExpression(f"{self.name}: dynamic {name} with iterator or labels")
            (content,) = blocks(spec, "content")
            elements = spec["for_each"]
            if isinstance(elements, str):
                elements = self.value(elements)
            if isinstance(elements, dict):
                pairs = [(k, v) for k, v in elements.items() if k not in META_KEYS]
            elif isinstance(elements, list):
                pairs = list(enumerate(elements))
            else:
                raise UnsupportedExpression(
                    f"{self.name}: dynamic {name} over {spec['for_each']!r}, not a known map or list"
                )
            expanded.extend(_bind_iterator(content, name, k, v) for k, v in pairs)
        return expanded

    def _statement(
        self, doc: str, raw: dict, each_value: str | None, key: str | None = None
    ) -> Statement:
        if each_value is not None:
            # An instance's each.value is the for_each map's entry, written as a reference
            # (${local.lake_keys_read.ml}, ${var.query_workgroups.analyst}): substituted before
            # evaluation, so that functions over it (formatlist, concat) see the entry itself;
            # each.key is the instance's key.
            raw = _substitute_each_value(raw, each_value[2:-1], key)

        def strings(value: Any, where: str) -> tuple[str, ...]:
            return tuple(self.string_list(value, f"{doc}.{where}"))

        principals = tuple(
            (self.value(p["type"]), strings(p["identifiers"], "principals"))
            for p in self.blocks_of(raw, "principals")
        )
        conditions = tuple(
            (self.value(c["test"]), self.value(c["variable"]), strings(c["values"], "condition"))
            for c in self.blocks_of(raw, "condition")
        )
        return Statement(
            doc=doc,
            sid=raw.get("sid"),
            effect=raw.get("effect", "Allow"),
            actions=strings(raw.get("actions", []), "actions"),
            resources=strings(raw.get("resources", []), "resources"),
            principals=principals,
            conditions=conditions,
            comments=tuple(c["value"] for c in raw.get("__comments__", [])),
        )


def _substitute_each_value(raw: Any, inner: str, key: str | None = None) -> Any:
    """`each.value` in every expression of a (parsed) block replaced by `inner`, and
    `${each.key}` by the key."""
    if isinstance(raw, str):
        if key is not None:
            raw = raw.replace("${each.key}", key)
        if "each.key" in raw:
            raise UnsupportedExpression(f"each.key outside a plain ${{each.key}}: {raw}")
        return _EACH_VALUE.sub(inner, raw)
    if isinstance(raw, list):
        return [_substitute_each_value(item, inner, key) for item in raw]
    if isinstance(raw, dict):
        return {
            k: v if k in META_KEYS else _substitute_each_value(v, inner, key)
            for k, v in raw.items()
        }
    return raw


_ITERATOR_REF = re.compile(r"\$\{(\w+)\.(key|value)((?:\.\w+)*)\}")


def _bind_iterator(raw: Any, iterator: str, key: Any, value: Any) -> Any:
    """A dynamic block's content with `${<iterator>.key}`, `${<iterator>.value}` and
    `${<iterator>.value.attribute}` replaced by what they are for one element: the element itself
    where the reference is the whole expression, its text inside a template."""

    def resolve(match: re.Match) -> Any:
        found: Any = key if match.group(2) == "key" else value
        for attribute in match.group(3).split(".")[1:]:
            if not isinstance(found, dict) or attribute not in found:
                raise UnsupportedExpression(f"no {attribute!r} in the element of {match.group(0)}")
            found = found[attribute]
        return found

    if isinstance(raw, str):
        whole = _ITERATOR_REF.fullmatch(raw)
        if whole and whole.group(1) == iterator:
            return resolve(whole)

        def in_text(match: re.Match) -> str:
            if match.group(1) != iterator:
                return match.group(0)
            found = resolve(match)
            if not isinstance(found, str):
                raise UnsupportedExpression(f"{match.group(0)} in a template is not a string")
            return found

        return _ITERATOR_REF.sub(in_text, raw)
    if isinstance(raw, list):
        return [_bind_iterator(item, iterator, key, value) for item in raw]
    if isinstance(raw, dict):
        return {k: _bind_iterator(v, iterator, key, value) for k, v in raw.items()}
    return raw


def _split_arguments(text: str) -> list[str]:
    """Split `a, [b, c], "d,e"` at top-level commas."""
    parts, depth, current, quoted, escaped = [], 0, [], False, False
    for char in text:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def _as_expression(text: str) -> str:
    return "${" + text.strip() + "}"


def parse_value(text: str) -> Any:
    """An HCL expression written out (`{a = "b"}`) as python-hcl2 parses it."""
    return hcl2.loads(f"value = {text}\n", serialization_options=_OPTIONS)["value"]


def parse_file(path: Path) -> dict:
    return hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_OPTIONS)


def load_module(path: Path) -> Module:
    """Parse every *.tf file of a directory into one Module."""
    module = Module(path=path)
    for file in sorted(path.glob("*.tf")):
        module.texts[file.name] = file.read_text(encoding="utf-8")
        parsed = parse_file(file)
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    module.resources[(rtype, name)] = body
        for block in parsed.get("data", []):
            for dtype, named in block.items():
                for name, body in named.items():
                    module.data[(dtype, name)] = body
        for block in parsed.get("variable", []):
            module.variables.update(block)
        for block in parsed.get("output", []):
            module.outputs.update(block)
        for block in parsed.get("locals", []):
            module.locals.update({k: v for k, v in block.items() if k not in META_KEYS})
        for block in parsed.get("module", []):
            module.module_calls.update(block)
        for block in parsed.get("provider", []):
            module.providers.extend(block.items())
        module.terraform.extend(parsed.get("terraform", []))
    return module


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def load_tfvars(env: str) -> dict[str, Any]:
    """The committed settings of an environment, terraform/envs/<env>.tfvars."""
    parsed = parse_file(ENVS / f"{env}.tfvars")
    return {k: v for k, v in parsed.items() if k not in META_KEYS}


def reference_name(raw: Any, rtype: str) -> str | None:
    """`${aws_s3_bucket.lake.id}` -> `lake` (for rtype aws_s3_bucket); otherwise None."""
    if not isinstance(raw, str):
        return None
    match = re.fullmatch(
        r"\$\{" + re.escape(rtype) + r"\.([A-Za-z0-9_]+)(?:\[[^\]]+\])?\.\w+\}", raw
    )
    return match.group(1) if match else None


def blocks(body: dict, name: str) -> list[dict]:
    """Nested blocks of a body (hcl2 gives a list of dicts), [] when absent."""
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def comments(body: dict) -> list[str]:
    return [c["value"] for c in body.get("__comments__", [])]
