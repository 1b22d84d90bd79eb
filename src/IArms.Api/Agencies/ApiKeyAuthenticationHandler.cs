using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IArms.Api.Agencies;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the live (not revoked) keys.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AgencyQueries queries,
    FailedAuthenticationLimiter limiter) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    // Set when the caller's address is over its failed attempts: the challenge then answers 429, not 401.
    private TimeSpan? _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            return AuthenticateResult.NoResult();
        }
        // The in-process test host has no remote address; those callers share one window.
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsLimited(address, out var retryAfter))
        {
            _retryAfter = retryAfter;
            return AuthenticateResult.Fail("Too many failed authentication attempts.");
        }
        var presented = values.ToString();
        if (string.IsNullOrWhiteSpace(presented) || presented.Length > 200)
        {
            limiter.RecordFailure(address);
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var hash = ApiKeys.Hash(presented);
        var row = await queries.FindLiveKeyAsync(hash, Context.RequestAborted);
        if (row is null || !ApiKeys.HashesEqual(row.KeyHash, hash))
        {
            limiter.RecordFailure(address);
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var caller = new Caller(row.AgencyId, row.AgencyCode, row.CountryCode, row.KeyId, ApiKeys.SplitRoles(row.Roles));
        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_retryAfter is { } wait)
        {
            // No body: UseStatusCodePages writes the ProblemDetails, as for the 401.
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Header;
        return Task.CompletedTask;
    }
}
