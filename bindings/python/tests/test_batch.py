"""Batch issuance through the Python binding: every issued certificate is
checked by openssl verify; bad items fail alone with precise exceptions."""
import threading
import unittest

from support import HERE  # noqa: F401,E402 (sets up the import path and library)

import certkit  # noqa: E402
from certkit import BatchItem  # noqa: E402
from test_certkit import TempDirTest, run  # noqa: E402


class BatchTest(TempDirTest):
    def test_batch_issues_good_items_and_reports_bad_ones(self):
        ca = certkit.CertificateAuthority.create_root("CN=Batch Root, O=certkit",
                                                     key_spec="ec:p256")
        own = certkit.PrivateKey.generate("ed25519")
        csr = certkit.CertificateRequest.create("CN=csr.example", own, sans="DNS:csr.example")
        der = bytearray(csr.to_der())
        der[-5] ^= 0x01  # inside the signature value
        broken = certkit.CertificateRequest.from_der(bytes(der))
        items = [BatchItem.new_key("ec:p256", subject="CN=n%d" % i, sans=["DNS:n%d.example" % i])
                 for i in range(8)]
        items += [
            BatchItem.for_key(own, subject="CN=own", sans="DNS:own.example"),
            BatchItem.for_public_key_pem(own.public_key_pem, subject="CN=pem",
                                         sans="DNS:pem.example", profile="client"),
            BatchItem.for_csr(csr),
            BatchItem.for_csr(broken),                       # bad signature
            BatchItem.for_key(own, sans="DNS:x.example"),    # no subject
            BatchItem.new_key("rsa:2048", subject="CN=rsa", sans="DNS:rsa.example", days=30),
        ]
        reports = []
        lock = threading.Lock()

        def progress(done, total):
            with lock:
                reports.append((done, total))

        results = ca.issue_batch(items, jobs=3, progress=progress)
        self.assertEqual(len(results), len(items))
        self.assertEqual(reports, [(i + 1, len(items)) for i in range(len(items))])

        self.assertIsInstance(results[11].error, certkit.BadSignatureError)
        self.assertIsInstance(results[12].error, certkit.InvalidArgumentError)
        self.assertIn("subject", results[12].error.message)
        self.assertIsNone(results[11].certificate)

        root = self.write("root.pem", ca.certificate.to_pem())
        for i, r in enumerate(results):
            if i in (11, 12):
                continue
            self.assertTrue(r.ok, "item %d: %r" % (i, r.error))
            leaf = self.write("leaf%d.pem" % i, r.certificate.to_pem())
            purpose = "sslclient" if i == 9 else "sslserver"
            out = run("openssl", "verify", "-CAfile", root, "-purpose", purpose, leaf).stdout
            self.assertIn("OK", out)
            if i < 8 or i == 13:
                self.assertIsNotNone(r.private_key)
                self.assertTrue(r.certificate.matches_key(r.private_key))
            else:
                self.assertIsNone(r.private_key)
                self.assertTrue(r.certificate.matches_key(own))
        self.assertEqual(results[13].certificate.subject, certkit.Name("CN=rsa"))

    def test_cancel_and_callback_errors(self):
        ca = certkit.CertificateAuthority.create_root("CN=Batch Root", key_spec="ec:p256")
        items = [BatchItem.new_key(subject="CN=c", sans="DNS:c.example") for _ in range(40)]
        results = ca.issue_batch(items, jobs=2, progress=lambda done, total: done < 3)
        issued = [r for r in results if r.ok]
        self.assertGreaterEqual(len(issued), 3)
        self.assertLessEqual(len(issued), 5)
        for r in results[len(issued):]:
            self.assertIsInstance(r.error, certkit.CancelledError)

        def boom(done, total):
            raise RuntimeError("stop here")
        with self.assertRaisesRegex(RuntimeError, "stop here"):
            ca.issue_batch(items, progress=boom)
        with self.assertRaises(certkit.InvalidArgumentError):
            ca.issue_batch(items, jobs=-1)
        with self.assertRaises(certkit.InvalidArgumentError):
            ca.issue_batch([BatchItem.new_key("ec:p999", subject="CN=x")])


if __name__ == "__main__":
    unittest.main()
