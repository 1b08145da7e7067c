using System.Globalization;
using System.Net;

namespace EdgeJobs.Hosting.Net;

/// <summary><c>host:port</c> values: listener flags (<c>--http</c>, <c>--link</c>) and peer addresses (<c>--coordinator</c>).</summary>
public static class HostPort
{
    /// <summary>A peer to dial: <c>coordinator-host:8081</c>, <c>10.0.0.5:8081</c>, <c>[::1]:8081</c>; the host is not resolved here.</summary>
    public static bool TryParse(string value, out string host, out int port)
    {
        host = "";
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !TryParsePort(value.AsSpan(colon + 1), out port) || port == 0)
        {
            port = 0;
            return false;
        }

        host = value[..colon].Trim('[', ']');
        return host.Length > 0;
    }

    /// <summary>An address to listen on: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>0.0.0.0:8080</c>,
    /// <c>localhost:8080</c>, or <c>:8080</c> (all interfaces). Host names other than localhost are refused:
    /// a listener binds an address, and resolving one at start hides which interface it took.</summary>
    public static bool TryParseListener(string value, out IPEndPoint endpoint)
    {
        endpoint = null!;
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !TryParsePort(value.AsSpan(colon + 1), out var port))
        {
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        IPAddress? address = host switch
        {
            "" or "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (address is null)
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
