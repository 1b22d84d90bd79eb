using Microsoft.AspNetCore.Mvc;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IArms.Api.Pages;

/// <summary>
/// A page of the signed-in officer: the officer's <see cref="Caller"/> (the account's roles within its agency, the
/// same rules as an API key's), and the audit of what the page does, written as the API would write it for the same
/// act, with the officer named. An entry that cannot be written fails the request, as it does on the API.
/// </summary>
public abstract class OfficerPageModel(AuditLog audit, TimeProvider clock) : PageModel
{
    protected TimeProvider Clock => clock;

    public Caller Caller => Caller.From(User);

    /// <summary>Writes the audit entry of what the page did (or was refused): the object a path under <c>/api/v1</c>.</summary>
    protected Task AuditAsync(string action, string? objectId, int status = StatusCodes.Status200OK)
    {
        var outcome = status == StatusCodes.Status403Forbidden ? AuditOutcomes.Denied : AuditOutcomes.Allowed;
        return audit.WriteAsync(AuditEntries.For(HttpContext, clock, action, outcome, status, objectId), [], CancellationToken.None);
    }

    /// <summary>The page answering 403 for an act the officer's roles do not allow, audited as denied.</summary>
    protected async Task<IActionResult> DeniedAsync(string action, string? objectId)
    {
        await AuditAsync(action, objectId, StatusCodes.Status403Forbidden);
        return RedirectToPage("/Forbidden");
    }
}
