using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace IArms.Api.Webhooks;

/// <summary>
/// Where a webhook may point: <c>https</c> only (plain <c>http</c> to loopback when <c>Webhooks:AllowLoopback</c> is
/// set), and never to a private, loopback, link-local or unique-local address unless allow-listed. Checked when the
/// endpoint is registered and again on every connection (<see cref="ConnectAsync"/>), so that a name re-pointed at an
/// internal address after registration (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    private readonly (IPAddress Network, int Prefix)[] _allowed = [.. options.Value.AllowedAddresses.Select(ParseRange)];

    /// <summary>Null when <paramref name="url"/> may be registered, else why not.</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            return "'url' must be an absolute https URL.";
        }
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "'url' must not carry credentials or a fragment; the signature authenticates the sender.";
        }
        const string httpsOnly = "'url' must use https (plain http is accepted only to loopback, when Webhooks:AllowLoopback is set).";
        if (uri.Scheme == "http" && !options.Value.AllowLoopback)
        {
            return httpsOnly;
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return $"The host '{uri.Host}' could not be resolved.";
        }
        if (addresses.Length == 0)
        {
            return $"The host '{uri.Host}' could not be resolved.";
        }
        if (uri.Scheme == "http" && !addresses.All(IPAddress.IsLoopback))
        {
            return httpsOnly;
        }
        if (addresses.FirstOrDefault(a => !IsAllowed(a)) is { } refused)
        {
            return $"'url' resolves to {refused}, a private, loopback or link-local address; webhooks go to national systems' public endpoints (an operator may allow-list an address in Webhooks:AllowedAddresses).";
        }
        return null;
    }

    /// <summary>True when a connection to <paramref name="address"/> is allowed.</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(r => InRange(address, r.Network, r.Prefix)))
        {
            return true;
        }
        if (IPAddress.IsLoopback(address))
        {
            return options.Value.AllowLoopback;
        }
        return !IsInternal(address);
    }

    /// <summary>
    /// The handler's connect step: resolves the host now and connects only to allowed addresses, so the address checked
    /// is the address used.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"Refused to connect to {host}: it resolves only to private, loopback or link-local addresses.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsInternal(IPAddress a)
    {
        if (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.Broadcast))
        {
            return true;
        }
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224;
        }
        var v6 = a.GetAddressBytes();
        return a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC; // fc00::/7 unique local
    }

    private static (IPAddress, int) ParseRange(string text)
    {
        var parts = text.Split('/', 2);
        var address = IPAddress.Parse(parts[0].Trim());
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return (address, parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : bits);
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
