using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using IArms.Api.Audit;
using IArms.Api.Officers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IArms.Api.Pages;

/// <summary>Sign-in with username, password and the authenticator app's current code; every attempt is audited.</summary>
public sealed class SignInModel(OfficerAccounts accounts, AuditLog audit, TimeProvider clock) : PageModel
{
    [BindProperty, Display(Name = "Username")]
    public string? Username { get; set; }

    [BindProperty, Display(Name = "Password"), DataType(DataType.Password)]
    public string? Password { get; set; }

    [BindProperty, Display(Name = "Code from your authenticator app")]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await accounts.SignInAsync(Username, Password, Code, ct);
        Password = null;
        Code = null;
        switch (outcome)
        {
            case OfficerAccounts.SignInOutcome.SignedIn(var caller, _):
                var principal = caller.ToPrincipal(OfficerAuthentication.CookieScheme);
                HttpContext.User = principal;
                await audit.WriteAsync(AuditEntries.For(HttpContext, clock, AuditActions.OfficerSignIn, AuditOutcomes.Allowed, 200, null), [], CancellationToken.None);
                await HttpContext.SignInAsync(OfficerAuthentication.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false });
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
            case OfficerAccounts.SignInOutcome.Locked(var until):
                await AuditFailureAsync(423);
                Error = $"This account is locked after {OfficerAccounts.MaxFailedAttempts} failed sign-ins, until {until.UtcDateTime:HH:mm} UTC. Ask your agency's administrator if you cannot wait.";
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            default:
                await AuditFailureAsync(401);
                Error = "The username, password or code is wrong. After 5 failed attempts the account is locked for 30 minutes.";
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }

    // The name tried goes in the entry's query text, never in its officer field: nobody signed in.
    private Task AuditFailureAsync(int status)
    {
        var entry = AuditEntries.For(HttpContext, clock, AuditActions.OfficerSignIn, AuditOutcomes.FailedAuthentication, status, null);
        var name = Username is { Length: <= 64 } u ? u : "(invalid)";
        return audit.WriteAsync(entry with { Query = $"{entry.Query} (username '{name}')" }, [], CancellationToken.None);
    }
}
