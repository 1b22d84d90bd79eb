using System.Collections.Concurrent;
using IArms.Api.Agencies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace IArms.Api.Audit;

/// <summary>
/// Audits what the authorization middleware refuses before a route runs: a 403 (a valid key without the role or
/// policy) as <c>denied</c>, and a 401 (no key, or a malformed, unknown or revoked one, as the API-key
/// authentication handler decided) as <c>failed-authentication</c>; then answers as the framework would.
/// </summary>
/// <remarks>
/// A denial is fail-closed like any other access: when its entry cannot be written the answer is 503. A failed
/// authentication is not: its 401 discloses nothing, and an unauthenticated flood must not be able to turn an
/// audit outage into an outage of its own; those entries are also thinned by <see cref="FailedAuthenticationThrottle"/>.
/// </remarks>
public sealed class AuditAuthorizationResultHandler(
    AuditLog audit, TimeProvider clock, FailedAuthenticationThrottle throttle, ILogger<AuditAuthorizationResultHandler> logger)
    : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (!IsAudited(context) || !(result.Challenged || result.Forbidden))
        {
            await _framework.HandleAsync(next, context, policy, result);
            return;
        }

        if (result.Forbidden)
        {
            try
            {
                await audit.WriteAsync(AuditEntries.For(context, clock, AuditOutcomes.Denied, StatusCodes.Status403Forbidden), [], CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogCritical(e, "The audit entry of a denied request could not be written");
                await AuditEntries.Unavailable(context, "The request could not be audited, so it was not answered. Retry in a few seconds.").ExecuteAsync(context);
                return;
            }
        }
        else
        {
            // The challenge first: it decides the status (401, or 429 once the address is over its failed attempts),
            // which is only set, not yet sent: the problem body is written on the way out, after this entry.
            await _framework.HandleAsync(next, context, policy, result);
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
            if (throttle.ShouldWrite(address, clock.GetUtcNow(), out var suppressed))
            {
                var reason = context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                    ? "The API key is malformed, unknown or revoked."
                    : "No API key was sent.";
                var entry = AuditEntries.For(context, clock, AuditOutcomes.FailedAuthentication, context.Response.StatusCode);
                entry = entry with { Query = $"{entry.Query} ({reason}{(suppressed > 0 ? $" {suppressed} more failed attempts from this address since the last entry." : "")})" };
                try
                {
                    await audit.WriteAsync(entry, [], CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "The audit entry of a failed authentication from {Address} could not be written", address);
                }
            }
            return;
        }
        await _framework.HandleAsync(next, context, policy, result);
    }

    private static bool IsAudited(HttpContext context) =>
        context.Request.Path.StartsWithSegments(IArmsApp.ApiBase, StringComparison.Ordinal);
}

/// <summary>
/// At most one failed-authentication entry per source address per <see cref="Window"/>: the attempts in between are
/// counted, and the count is written with the next entry, so a flood of bad keys costs a line a minute, not a
/// line a request. (The per-address limiter answers 429 before this after 20 a minute; this bounds what passes.)
/// </summary>
public sealed class FailedAuthenticationThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Bounded: addresses beyond this many within a window are forgotten wholesale, which only ever writes more entries.
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public bool ShouldWrite(string address, DateTimeOffset now, out int suppressed)
    {
        if (_slots.Count > MaxAddresses)
        {
            _slots.Clear();
        }
        var slot = _slots.GetOrAdd(address, _ => new Slot());
        lock (slot)
        {
            if (slot.WrittenAt is { } last && now - last < Window)
            {
                slot.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = slot.Suppressed;
            slot.WrittenAt = now;
            slot.Suppressed = 0;
            return true;
        }
    }

    private sealed class Slot
    {
        public DateTimeOffset? WrittenAt { get; set; }
        public int Suppressed { get; set; }
    }
}
