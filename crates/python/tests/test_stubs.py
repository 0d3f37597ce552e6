"""The type stub and py.typed ship with the package, and the stub's signatures name the
same parameters as the functions the extension module defines."""

import ast
import inspect
import pathlib

import giantstep as gs

PACKAGE = pathlib.Path(gs.__file__).parent


def stub_functions():
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            a = node.args
            out[node.name] = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    return out


def test_stub_and_marker_are_installed():
    assert (PACKAGE / "py.typed").exists()
    assert (PACKAGE / "__init__.pyi").exists()


def test_stub_signatures_match_the_module():
    stubs = stub_functions()
    functions = [n for n in gs.__all__ if inspect.isbuiltin(getattr(gs, n))]
    assert sorted(functions) == sorted(stubs)
    for name in functions:
        runtime = list(inspect.signature(getattr(gs, name)).parameters)
        assert runtime == stubs[name], name


def test_every_public_name_is_documented():
    for name in gs.__all__:
        if name.startswith("__"):
            continue
        doc = getattr(gs, name).__doc__
        assert doc and len(doc) > 20, name
    assert "E_gen" in gs.risk.__doc__ and "delta(k)" in gs.stieltjes.__doc__
