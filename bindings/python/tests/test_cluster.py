"""Cluster issuance through the Python binding: openssl verifies what
cluster_init/add/renew/rotate_ca issue and keytool lists the JKS stores."""
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

    def test_nodes_with_names_and_addresses(self):
        # A node is NAME=HOST+HOST... through the C ABI too (certkit/node_spec.h).
        cluster = self.path("named")
        manifest = certkit.cluster_init(cluster, ["db3.example.com=10.0.0.3+fd00::3"],
                                        store_password=STOREPASS, formats=["pem"])
        self.assertEqual(manifest["nodes"][0]["hosts"], ["db3.example.com", "10.0.0.3", "fd00::3"])
        crt = "nodes/db3.example.com/node.crt"
        self.verify(cluster, crt, "-verify_ip", "10.0.0.3")
        self.verify(cluster, crt, "-verify_ip", "fd00::3")
        self.verify(cluster, crt, "-verify_hostname", "db3.example.com")
        with self.assertRaisesRegex(certkit.InvalidArgumentError,
                                    "host '10.0.0.3' of new node 'db4' is already a host of node "
                                    "'db3.example.com'"):
            certkit.cluster_add(cluster, ["db4=10.0.0.3"], store_password=STOREPASS)
        with self.assertRaisesRegex(certkit.InvalidArgumentError,
                                    "host '10.0.0.1' is given for two nodes: 'a' and 'b'"):
            certkit.cluster_init(self.path("dup"), ["a=10.0.0.1", "b=10.0.0.1"],
                                 store_password=STOREPASS)
        self.assertFalse(os.path.exists(self.path("dup")))

    def test_spiffe_id(self):
        # The SPIFFE ID template through the C ABI: a URI SAN openssl reads,
        # recorded in the manifest and kept by cluster_add.
        cluster = self.path("spiffe")
        manifest = certkit.cluster_init(cluster, ["db1"], ["app"], store_password=STOREPASS,
                                        formats=["pem"],
                                        spiffe_id="spiffe://cluster.example/cassandra/{name}")
        self.assertEqual(manifest["spiffe_id"], "spiffe://cluster.example/cassandra/{name}")
        certkit.cluster_add(cluster, clients=["ops"], store_password=STOREPASS)
        for leaf, name in (("clients/app/client.app.crt", "app"), ("clients/ops/client.ops.crt", "ops"),
                           ("nodes/db1/node.crt", "db1")):
            out = run("openssl", "x509", "-in", os.path.join(cluster, leaf), "-noout", "-ext",
                      "subjectAltName").stdout
            self.assertIn("URI:spiffe://cluster.example/cassandra/" + name, out)
        with self.assertRaisesRegex(certkit.InvalidArgumentError, "spiffe"):
            certkit.cluster_init(self.path("bad"), ["db1"], store_password=STOREPASS,
                                 spiffe_id="https://cluster.example/{name}")
        self.assertFalse(os.path.exists(self.path("bad")))

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

    def trusted_entries(self, store):
        listing = run("keytool", "-list", "-keystore", store, "-storepass", STOREPASS).stdout
        return listing.count("trustedCertEntry")

    def verifies(self, ca_file, cert_file):
        return run("openssl", "verify", "-purpose", "sslserver", "-CAfile", ca_file, cert_file,
                   check=False).returncode == 0

    def test_rotate_ca(self):
        cluster = self.path("rotate")
        hosts = ["10.0.0.1", "db2.example.com"]
        certkit.cluster_init(cluster, hosts, store_password=STOREPASS, key_spec="ec:p256",
                             formats=["pem", "jks"])
        old_ca = os.path.join(cluster, "old-ca.pem")
        with open(os.path.join(cluster, "ca.crt"), "rb") as f, open(old_ca, "wb") as out:
            out.write(f.read())
        node_crt = {h: os.path.join(cluster, "nodes", h, "node.crt") for h in hosts}

        with self.assertRaisesRegex(certkit.InvalidArgumentError, "retire-old"):
            certkit.cluster_rotate_ca(cluster, "retire", store_password=STOREPASS)
        r = certkit.cluster_rotate_ca(cluster, "new-ca", store_password=STOREPASS,
                                      ca_key_spec="ec:p384", ca_days=400)
        self.assertEqual((r.stage, r.changed, r.finished, r.next_stage),
                         ("new-ca", True, True, "trust-both"))
        new_ca = [p for p, what in r.written if what == "CA certificate"][0]
        self.assertIn("P-384", run("openssl", "x509", "-in", new_ca, "-noout", "-text").stdout)
        self.assertFalse(self.verifies(new_ca, node_crt["10.0.0.1"]))
        self.assertFalse(certkit.cluster_rotate_ca(cluster, "new-ca",
                                                   store_password=STOREPASS).changed)

        r = certkit.cluster_rotate_ca(cluster, store_password=STOREPASS)  # the next stage
        self.assertEqual(r.stage, "trust-both")
        self.assertEqual(self.trusted_entries(os.path.join(cluster, "truststore.jks")), 2)
        self.assertEqual(
            self.trusted_entries(os.path.join(cluster, "nodes/10.0.0.1/keystore.jks")), 2)

        with self.assertRaises(certkit.InvalidArgumentError) as raised:
            certkit.cluster_rotate_ca(cluster, "retire-old", store_password=STOREPASS)
        self.assertEqual(raised.exception.code, certkit._capi.CERTKIT_ERROR_INVALID_ARGUMENT)
        for host in hosts:
            self.assertIn(host, str(raised.exception))

        r = certkit.cluster_rotate_ca(cluster, "reissue", store_password=STOREPASS,
                                      only=["db2.example.com"])
        self.assertEqual((r.reissued, r.finished), (["db2.example.com"], False))
        self.assertEqual(r.pending, ["10.0.0.1"])
        r = certkit.cluster_rotate_ca(cluster, "reissue", store_password=STOREPASS)
        self.assertEqual((r.reissued, r.finished), (["10.0.0.1"], True))
        for host in hosts:
            self.assertTrue(self.verifies(new_ca, node_crt[host]), host)

        r = certkit.cluster_rotate_ca(cluster, "retire-old", store_password=STOREPASS)
        self.assertEqual((r.stage, r.finished, r.manifest["rotation"]),
                         ("retire-old", True, "retire-old"))
        bundle = os.path.join(cluster, "ca.crt")
        with open(bundle, "rb") as f, open(new_ca, "rb") as g:
            self.assertEqual(f.read(), g.read())  # the new CA only
        for host in hosts:
            self.assertTrue(self.verifies(bundle, node_crt[host]), host)
        self.assertTrue(self.verifies(old_ca, old_ca))  # the check below can fail
        self.assertFalse(self.verifies(bundle, old_ca))
        self.assertEqual(self.trusted_entries(os.path.join(cluster, "truststore.jks")), 1)


if __name__ == "__main__":
    unittest.main()
