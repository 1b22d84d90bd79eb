using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IArms.Api.Agencies;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the live (not revoked) keys.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AgencyQueries queries) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            return AuthenticateResult.NoResult();
        }
        var presented = values.ToString();
        if (string.IsNullOrWhiteSpace(presented) || presented.Length > 200)
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var hash = ApiKeys.Hash(presented);
        var row = await queries.FindLiveKeyAsync(hash, Context.RequestAborted);
        if (row is null || !ApiKeys.HashesEqual(row.KeyHash, hash))
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var caller = new Caller(row.AgencyId, row.AgencyCode, row.CountryCode, row.KeyId, ApiKeys.SplitRoles(row.Roles));
        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Header;
        return Task.CompletedTask;
    }
}
