"""The syntax layer: one file's bytes -> :class:`ModuleFacts` (tree-sitter lives here only)."""
from .extract import TreeEdit, edit_tree, extract, extract_incremental, extract_record
from .facts import (
    Binding,
    Dialect,
    DynamicImport,
    ImportPhase,
    ModuleFacts,
    RequireCall,
    RequireKind,
    Span,
    StatementKind,
    StaticImport,
    Suppression,
    TlaKind,
    TlaSite,
)
from .grammar import dialect_for_path

__all__ = [
    "Binding",
    "Dialect",
    "DynamicImport",
    "ImportPhase",
    "ModuleFacts",
    "RequireCall",
    "RequireKind",
    "Span",
    "StatementKind",
    "StaticImport",
    "Suppression",
    "TlaKind",
    "TlaSite",
    "TreeEdit",
    "dialect_for_path",
    "edit_tree",
    "extract",
    "extract_incremental",
    "extract_record",
]
