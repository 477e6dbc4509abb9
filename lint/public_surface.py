"""An import-linter contract type: other packages reach a domain only through its `public`.

    [[tool.importlinter.contracts]]
    type = "public_surface"
    domains = ["haven.people", ...]
    composers = ["haven.web", ...]     # the shell that composes domains may import anything

A module outside domain D (and outside the composers) may import `D.public` and nothing
else of D: not its models, service, repository or any other module. D's own modules import
each other freely.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    domains = fields.ListField(subfield=fields.StringField())
    composers = fields.ListField(subfield=fields.StringField(), required=False)
    public_module = fields.StringField(required=False, default="public")

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        composers = [str(c) for c in (self.composers or [])]  # type: ignore[attr-defined]
        public = str(self.public_module)
        illegal: list[dict[str, object]] = []
        for domain in (str(d) for d in self.domains):  # type: ignore[attr-defined]
            inside = {domain, *graph.find_descendants(domain)}
            surface = f"{domain}.{public}"
            for imported in sorted(inside - {surface, domain}):
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer in inside or _within(importer, composers):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    illegal.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "lines": sorted({d["line_number"] for d in details}),
                        }
                    )
        return ContractCheck(kept=not illegal, warnings=[], metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Another package reaches past a domain's public module:", bold=False)
        output.new_line()
        for link in check.metadata["illegal"]:
            lines = ", ".join(str(n) for n in link["lines"])
            output.print_error(
                f"- {link['importer']} -> {link['imported']} (l.{lines})", bold=False
            )
            output.new_line()


def _within(module: str, packages: list[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)
