"""Cluster issuance through the Python binding: openssl verifies what
cluster_init/add/renew issue and keytool lists the JKS stores."""
import datetime
import os
import unittest

from support import HERE  # noqa: F401,E402 (sets up the import path and library)

import certkit  # noqa: E402
from test_certkit import STOREPASS, TempDirTest, run  # noqa: E402


class ClusterTest(TempDirTest):
    def verify(self, cluster, leaf, *extra):
        out = run("openssl", "verify", "-CAfile", os.path.join(cluster, "ca.crt"), *extra,
                  os.path.join(cluster, leaf)).stdout
        self.assertIn("OK", out)

    def test_init_add_renew(self):
        cluster = self.path("pki")
        reports = []
        manifest = certkit.cluster_init(cluster, ["10.0.0.1", "db2.example.com"], ["app"],
                                        store_password=STOREPASS, formats=["pem", "jks"],
                                        organization="Example", jobs=2,
                                        progress=lambda done, total: reports.append(
                                            (done, total)))
        self.assertEqual(reports, [(1, 3), (2, 3), (3, 3)])
        self.assertEqual([n["host"] for n in manifest["nodes"]], ["10.0.0.1", "db2.example.com"])
        self.assertEqual(manifest["formats"], ["pem", "jks"])
        self.verify(cluster, "nodes/db2.example.com/node.crt", "-purpose", "sslserver",
                    "-verify_hostname", "db2.example.com")
        self.verify(cluster, "clients/app/client.app.crt", "-purpose", "sslclient")
        listing = run("keytool", "-list", "-keystore",
                      os.path.join(cluster, "nodes/10.0.0.1/keystore.jks"),
                      "-storepass", STOREPASS).stdout
        self.assertIn("PrivateKeyEntry", listing)
        self.assertIn("trustedCertEntry", listing)
        self.assertFalse(os.path.exists(os.path.join(cluster, "nodes/10.0.0.1/keystore.p12")))
        self.assertEqual(os.stat(os.path.join(cluster, "nodes/10.0.0.1/node.key")).st_mode & 0o777,
                         0o600)
        with self.assertRaises(certkit.AlreadyExistsError):
            certkit.cluster_init(cluster, ["10.0.0.9"], store_password=STOREPASS)

        with self.assertRaises(certkit.BadPasswordError):
            certkit.cluster_add(cluster, ["10.0.0.3"])
        manifest = certkit.cluster_add(cluster, ["10.0.0.3"], store_password=STOREPASS)
        self.assertEqual(len(manifest["nodes"]), 3)
        self.verify(cluster, "nodes/10.0.0.3/node.crt", "-verify_ip", "10.0.0.3")
        with self.assertRaises(certkit.AlreadyExistsError):
            certkit.cluster_add(cluster, ["10.0.0.3"], store_password=STOREPASS)

        _, renewed = certkit.cluster_renew(cluster, datetime.timedelta(days=1),
                                           store_password=STOREPASS)
        self.assertEqual(renewed, [])
        before = manifest["nodes"][0]["serial"]
        manifest, renewed = certkit.cluster_renew(cluster, datetime.timedelta(days=400),
                                                  store_password=STOREPASS)
        self.assertEqual(renewed, ["10.0.0.1", "db2.example.com", "10.0.0.3", "app"])
        self.assertNotEqual(manifest["nodes"][0]["serial"], before)
        self.verify(cluster, "nodes/10.0.0.1/node.crt", "-verify_ip", "10.0.0.1")

    def test_bad_input_and_cancel(self):
        with self.assertRaisesRegex(certkit.InvalidArgumentError, "zip"):
            certkit.cluster_init(self.path("x"), ["n1"], formats="pem,zip")
        with self.assertRaises(certkit.BadPasswordError):
            certkit.cluster_init(self.path("x"), ["n1"])
        self.assertFalse(os.path.exists(self.path("x")))  # nothing written
        with self.assertRaises(certkit.CancelledError):
            certkit.cluster_init(self.path("c"), ["n1", "n2", "n3"], formats="pem", jobs=1,
                                 progress=lambda done, total: False)
        self.assertFalse(os.path.exists(self.path("c/manifest.json")))


if __name__ == "__main__":
    unittest.main()
