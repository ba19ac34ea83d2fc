package dev.corral.hypervisor.kvm;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, parsed without ever looking a name up (which {@link InetAddress#getByName} would do). */
final class IpLiteral {

    private IpLiteral() {
    }

    /** The address {@code text} spells (a dotted IPv4 quad or an IPv6 literal), or null when it spells none. */
    static InetAddress parse(String text) {
        try {
            if (text.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
                byte[] bytes = new byte[4];
                String[] octets = text.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    if (octet > 255) {
                        return null;
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes);
            }
            // With a ':' the JDK reads an IPv6 literal and fails rather than resolving a name.
            return text.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*") ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
