"""The package as a user's tools see it: its version, and type hints that
resolve at run time (typing.get_type_hints, as used by pydantic, typer,
dataclass tooling and IDEs) on every public function, class and method."""
import inspect
import os
import typing
import unittest

from support import HERE  # noqa: F401 (sets up the import path and library)

import certkit  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


class PackageTest(unittest.TestCase):
    def test_version_is_the_library_version_and_the_repository_version(self):
        with open(os.path.join(REPO, "VERSION")) as f:
            want = f.read().strip()
        self.assertEqual(certkit.__version__, want)
        self.assertEqual(certkit.__version__, certkit.version())
        self.assertIn("__version__", certkit.__all__)

    def test_get_type_hints_resolves_every_public_annotation(self):
        checked = 0
        failures = []
        for name in certkit.__all__:
            obj = getattr(certkit, name)
            targets = []
            if inspect.isfunction(obj):
                targets.append((name, obj))
            elif inspect.isclass(obj) and obj.__module__.startswith("certkit"):
                targets.append((name, obj))
                for attr, member in vars(obj).items():
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if isinstance(member, property):
                        member = member.fget
                    if inspect.isfunction(member) and (not attr.startswith("_") or attr == "__init__"):
                        targets.append(("%s.%s" % (name, attr), member))
            for label, target in targets:
                try:
                    typing.get_type_hints(target)
                    checked += 1
                except Exception as e:  # NameError for a name bound only for type checkers
                    failures.append("%s: %s: %s" % (label, type(e).__name__, e))
        self.assertEqual(failures, [])
        # The binding's surface: dozens of functions and methods, all annotated.
        self.assertGreater(checked, 100)


if __name__ == "__main__":
    unittest.main()
