using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using System.Text;
using IArms.Api.Audit;
using IArms.Api.Officers;
using IArms.Core.Security;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace IArms.Api.Pages;

/// <summary>
/// Enrolment with the one-time code an administrator gave: the officer chooses a password, adds the TOTP secret to an
/// authenticator app (QR code or typed key), and proves it with a first code. The code is spent by success only.
/// </summary>
public sealed class EnrolModel(OfficerAccounts accounts, AuditLog audit, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? EnrolmentCode { get; set; }

    [BindProperty, Display(Name = "New password (at least 12 characters)"), DataType(DataType.Password)]
    public string? Password { get; set; }

    [BindProperty, Display(Name = "New password again"), DataType(DataType.Password)]
    public string? Confirmation { get; set; }

    [BindProperty, Display(Name = "Code shown by your authenticator app")]
    public string? TotpCode { get; set; }

    public string? Username { get; private set; }
    public string? DisplayName { get; private set; }
    public string? Secret { get; private set; }
    public IHtmlContent? QrCode { get; private set; }
    public string? EnrolledAs { get; private set; }
    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "code")] string? code, CancellationToken ct)
    {
        EnrolmentCode ??= code;
        return await ShowAsync(ct) ? Page() : Unknown();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await accounts.EnrolAsync(EnrolmentCode, Password, Confirmation, TotpCode, ct);
        Password = Confirmation = TotpCode = null;
        switch (outcome)
        {
            case OfficerAccounts.EnrolOutcome.Enrolled(var username):
                var entry = AuditEntries.For(HttpContext, clock, AuditActions.OfficerEnrol, AuditOutcomes.Allowed, 200, null);
                // The path without its query: the enrolment code is a secret (spent now, but still nobody's to read).
                await audit.WriteAsync(entry with { Officer = username, Query = $"POST {Request.Path}" }, [], CancellationToken.None);
                EnrolledAs = username;
                return Page();
            case OfficerAccounts.EnrolOutcome.Invalid(var errors):
                Errors = errors;
                foreach (var (field, messages) in errors)
                {
                    ModelState.AddModelError(field switch { "password" => nameof(Password), "confirmation" => nameof(Confirmation), _ => nameof(TotpCode) }, messages[0]);
                }
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await ShowAsync(ct) ? Page() : Unknown();
            default:
                return Unknown();
        }
    }

    private IActionResult Unknown()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        Username = null;
        return Page();
    }

    private async Task<bool> ShowAsync(CancellationToken ct)
    {
        var account = await accounts.PendingAsync(EnrolmentCode, ct);
        if (account is null)
        {
            return false;
        }
        Username = account.Username;
        DisplayName = account.DisplayName;
        Secret = Totp.Base32(account.TotpSecret!);
        QrCode = Svg(Totp.Uri(OfficerAccounts.Issuer, account.Username, account.TotpSecret!));
        return true;
    }

    /// <summary>The QR code as inline SVG drawn from QRCoder's module matrix: one path, no script, no style attribute (the CSP allows neither).</summary>
    private static HtmlString Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (matrix[y][x])
                {
                    path.Append(System.Globalization.CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }
        return new HtmlString(
            $"<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"QR code of the authenticator key\">" +
            $"<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>");
    }
}
