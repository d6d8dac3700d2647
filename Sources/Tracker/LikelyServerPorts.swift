/// The TCP ports Zeek's analyzers register (`likely_server_ports` of a
/// default Zeek: base/protocols/*/main.zeek), by which it decides who is
/// the originator of a connection first seen without its SYN.
enum LikelyServerPorts {
    static let ports: Set<UInt16> = [
        21, 2811,                                   // ftp, gridftp
        22,                                         // ssh
        23, 513, 514,                               // telnet, rlogin, rsh
        25, 587,                                    // smtp
        53,                                         // dns
        80, 81, 631, 1080, 3128, 8000, 8080, 8888,  // http
        88,                                         // krb
        110,                                        // pop3
        135, 139, 445,                              // dce-rpc, smb
        143,                                        // imap
        389, 3268,                                  // ldap
        443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223, // ssl
        502,                                        // modbus
        1723,                                       // pptp
        3306,                                       // mysql
        3389,                                       // rdp
        5222, 5269,                                 // xmpp
        5432,                                       // postgresql
        6379,                                       // redis
        6666, 6667, 6668, 6669,                     // irc
        20000,                                      // dnp3
    ]

    static func contains(_ port: UInt16) -> Bool { ports.contains(port) }
}
