using System.Globalization;
using System.Net;

namespace EdgeJobs.Coordinator;

/// <summary>Parses <c>host:port</c> listener flags.</summary>
public static class Endpoints
{
    /// <summary><c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>0.0.0.0:8080</c>, <c>localhost:8080</c>, or <c>:8080</c> (all interfaces).</summary>
    public static bool TryParse(string value, out IPEndPoint endpoint)
    {
        endpoint = null!;
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
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
}
