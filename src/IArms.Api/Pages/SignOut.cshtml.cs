using Microsoft.AspNetCore.Mvc;
using IArms.Api.Audit;
using IArms.Api.Officers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IArms.Api.Pages;

/// <summary>Ends the officer's session (a POST with the antiforgery token, so that no other site can sign an officer out).</summary>
public sealed class SignOutModel(AuditLog audit, TimeProvider clock) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await audit.WriteAsync(AuditEntries.For(HttpContext, clock, AuditActions.OfficerSignOut, AuditOutcomes.Allowed, 200, null), [], CancellationToken.None);
        }
        await HttpContext.SignOutAsync(OfficerAuthentication.CookieScheme);
        return Redirect("/sign-in");
    }
}
