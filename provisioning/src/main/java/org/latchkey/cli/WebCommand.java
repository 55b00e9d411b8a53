package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.config.WebSettings;
import org.latchkey.web.WebCertificate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code latchkey web}: where the owner's phone finds the app, and how to know it is this door. */
@Command(
        name = "web",
        mixinStandardHelpOptions = true,
        header = "Show where the owner's app (latchkey pass) is served, with its certificate.",
        description = {
            "Prints the app's address on the home network and the SHA-256 fingerprint of the door's"
                + " certificate (text and QR code), for the first visit from a phone: the browser"
                + " warns about a certificate it does not know, and the fingerprint is how to tell"
                + " it is this door's. Needs a [web] section in the config, and latchkeyd started"
                + " with it (it makes the certificate on first use)."
        })
final class WebCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    @Option(
            names = "--pem",
            paramLabel = "FILE",
            description = "Also write the certificate to FILE (to install it on a phone).")
    Path pem;

    @Option(names = "--no-qr", description = "Do not print the address as a QR code.")
    boolean noQr;

    @Override
    public Integer call() throws Exception {
        DeviceConfig device = config.load();
        PrintWriter out = spec.commandLine().getOut();
        if (device.web().isEmpty()) {
            throw CliException.failed(
                    "the app is not served: add a [web] section to "
                            + device.source()
                            + " (port = "
                            + WebSettings.DEFAULT_PORT
                            + " by default) and "
                            + restart(device));
        }
        WebSettings web = device.web().get();
        Optional<X509Certificate> cert;
        try {
            cert = WebCertificate.read(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "the certificate cannot be read ("
                            + IoProblems.describe(e)
                            + "): run this as root or as the latchkey user");
        }
        if (cert.isEmpty()) {
            throw CliException.failed(
                    "no certificate yet in "
                            + device.stateDir()
                            + ": latchkeyd makes it when it starts with [web] ("
                            + restart(device)
                            + "), then run this again");
        }
        String host = web.hostname().orElseGet(WebCertificate::systemHostname);
        String url = "https://" + WebCertificate.localName(host) + ":" + web.port() + "/";
        out.println("latchkey pass, the owner's app: " + url);
        out.println("certificate SHA-256: " + WebCertificate.fingerprint(cert.get()));
        out.println(
                "On the phone: open the address, check that the browser shows this fingerprint"
                        + " for the certificate, then install the app to the home screen.");
        out.println(
                "For full offline use (browsers keep an app only on a page whose certificate they"
                        + " trust), serve the same files from any static HTTPS host: see the"
                        + " README, \"The owner's app\".");
        if (!noQr) {
            out.print(QrCodes.terminal(QrCodes.encode(url)));
        }
        if (pem != null) {
            Files.writeString(pem, pem(cert.get()));
            out.println("wrote the certificate to " + pem);
        }
        out.flush();
        if (!answers(web)) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "latchkey: note: nothing answers on port "
                                    + web.port()
                                    + " now: "
                                    + restart(device));
        }
        return ExitCode.OK;
    }

    private static String restart(DeviceConfig device) {
        return "restart latchkeyd (sudo systemctl restart latchkeyd; in a checkout: ./latchkeyd"
                + " --config "
                + device.source()
                + ")";
    }

    /**
     * Whether the door's web listener takes a connection now (on this machine, within a second).
     */
    private static boolean answers(WebSettings web) {
        String host =
                web.bind().equals("0.0.0.0") || web.bind().equals("::") ? "127.0.0.1" : web.bind();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, web.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String pem(X509Certificate c) throws CertificateEncodingException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
