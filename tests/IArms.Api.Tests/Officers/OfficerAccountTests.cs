using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IArms.Api.Tests.Infrastructure;
using IArms.Core.Security;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IArms.Api.Tests.Officers;

/// <summary>
/// Officer accounts through the API (create, list, disable) and through the pages' forms over HTTP: enrolment, sign-in
/// with password and TOTP, the lock after 5 failures, a code accepted once, and the audit naming the officer.
/// </summary>
public sealed partial class OfficerAccountTests : ApiFixture
{
    [Test]
    public async Task AnAgencyAdminCreatesListsAndDisablesItsOwnOfficers()
    {
        using var nl = await App.AgencyAsync("NL-KLPD", "NL", "admin");
        var created = await (await nl.PostJsonAsync("/api/v1/agencies/NL-KLPD/officers", new { username = "j.devries", displayName = "Jan de Vries", roles = new[] { "trace", "search" } }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Multiple(() =>
        {
            Assert.That((string?)created["username"], Is.EqualTo("j.devries"));
            Assert.That(created["roles"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "search", "trace" }));
            Assert.That((string?)created["enrolmentCode"], Has.Length.GreaterThan(30));
            Assert.That((string?)created["enrolmentPath"], Does.StartWith("/enrol?code="));
            Assert.That((DateTimeOffset)created["enrolmentExpiresAt"]!, Is.EqualTo(App.Clock.GetUtcNow().AddHours(72)));
        });
        var id = (long)created["id"]!;

        var listed = await (await nl.GetAsync("/api/v1/agencies/NL-KLPD/officers")).ExpectAsync(HttpStatusCode.OK);
        var officer = listed["items"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)officer["status"], Is.EqualTo("pending"));
            Assert.That(officer.AsObject().ContainsKey("enrolmentCode"), Is.False, "the code is shown once, at creation");
            Assert.That(listed["nextCursor"], Is.Null);
        });

        await (await nl.DeleteAsync($"/api/v1/agencies/NL-KLPD/officers/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await nl.DeleteAsync($"/api/v1/agencies/NL-KLPD/officers/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await nl.DeleteAsync("/api/v1/agencies/NL-KLPD/officers/999999")).ExpectProblemAsync(HttpStatusCode.NotFound);
        var after = await (await nl.GetAsync("/api/v1/agencies/NL-KLPD/officers")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)after["items"]![0]!["status"], Is.EqualTo("disabled"));

        // A disabled account's enrolment link no longer works.
        using var browser = Browser();
        var page = await browser.GetAsync((string)created["enrolmentPath"]!);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task AnAgencyAdminManagesNoOtherAgencysOfficersAndGivesNoAdminRole()
    {
        using var be = await App.AgencyAsync("BE-FPP", "BE", "admin");
        using var lu = await App.AgencyAsync("LU-POL", "LU", "search");
        var other = await (await be.PostJsonAsync("/api/v1/agencies/LU-POL/officers", new { username = "x.other", displayName = "X", roles = new[] { "search" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)other["detail"], Does.Contain("your agency's officers only"));
        await (await be.GetAsync("/api/v1/agencies/LU-POL/officers")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await be.DeleteAsync("/api/v1/agencies/LU-POL/officers/1")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var admin = await (await be.PostJsonAsync("/api/v1/agencies/BE-FPP/officers", new { username = "be.chief", displayName = "Chief", roles = new[] { "admin" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)admin["detail"], Does.Contain("Only the central administrator"));
        await (await lu.GetAsync("/api/v1/agencies/LU-POL/officers")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        using var hq = App.Admin();
        await (await hq.PostJsonAsync("/api/v1/agencies/LU-POL/officers", new { username = "lu.chief", displayName = "Chief", roles = new[] { "admin" } }))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Test]
    public async Task UsernamesAreUniqueAcrossAgenciesAndRequestsAreValidatedPerField()
    {
        using var hq = App.Admin();
        await App.AgencyAsync("DK-NPC", "DK", "search");
        await (await hq.PostJsonAsync("/api/v1/agencies/DK-NPC/officers", new { username = "same.name", displayName = "A", roles = new[] { "search" } })).ExpectAsync(HttpStatusCode.Created);
        await (await hq.PostJsonAsync("/api/v1/agencies/HQ/officers", new { username = "same.name", displayName = "B", roles = new[] { "search" } })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await hq.PostJsonAsync("/api/v1/agencies/ZZ-NONE/officers", new { username = "nobody.here", displayName = "B", roles = new[] { "search" } })).ExpectProblemAsync(HttpStatusCode.NotFound);

        var bad = await hq.PostJsonAsync("/api/v1/agencies/DK-NPC/officers", new { username = "No Spaces", displayName = "", roles = new[] { "boss" } });
        var body = await bad.ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(body["errors"]!.AsObject().Select(e => e.Key), Is.SupersetOf(new[] { "username", "displayName", "roles[0]" }));

        // An account's roles are a set, as a key's are (the contract bounds the list by the number of roles).
        var repeated = await hq.PostJsonAsync("/api/v1/agencies/DK-NPC/officers", new { username = "twice.search", displayName = "T", roles = new[] { "search", "search" } });
        Assert.That(await repeated.ExpectFieldErrorAsync("roles"), Has.Some.Contain("each role once"));
    }

    [Test]
    public async Task AnOfficerEnrolsAndSignsInWithPasswordAndTotpAndACodeIsAcceptedOnce()
    {
        var (browser, username, secret) = await EnrolledOfficerAsync("SE-NOA", "SE", "search");
        using (browser)
        {
            var code = Totp.Code(secret, Totp.StepAt(App.Clock.GetUtcNow()) + 1);
            var signedIn = await SignInAsync(browser, username, "correct horse battery", code);
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            var home = await browser.GetAsync("/");
            Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await home.Content.ReadAsStringAsync(), Does.Contain("Search a serial number").And.Contain(username));
            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("iarms-officer=", StringComparison.Ordinal)).ToLowerInvariant();
            Assert.That(cookie, Does.Contain("httponly").And.Contain("samesite=strict").And.Contain("secure"));

            await PostFormAsync(browser, "/", "/sign-out", []);
            Assert.That((await browser.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed out");

            var replay = await SignInAsync(browser, username, "correct horse battery", code);
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the same code is refused the second time");
        }
    }

    [Test]
    public async Task FiveFailedSignInsLockTheAccountForThirtyMinutes()
    {
        var (browser, username, secret) = await EnrolledOfficerAsync("FI-KRP", "FI", "search");
        using (browser)
        {
            string Code(int ahead) => Totp.Code(secret, Totp.StepAt(App.Clock.GetUtcNow()) + ahead);
            for (var i = 0; i < 4; i++)
            {
                Assert.That((await SignInAsync(browser, username, "not the password", Code(1))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            }
            var fifth = await SignInAsync(browser, username, "not the password", Code(1));
            Assert.That(fifth.StatusCode, Is.EqualTo(HttpStatusCode.Locked));
            Assert.That((await SignInAsync(browser, username, "correct horse battery", Code(1))).StatusCode, Is.EqualTo(HttpStatusCode.Locked), "locked even with the right password");

            using var hq = App.Admin();
            var listed = await (await hq.GetAsync("/api/v1/agencies/FI-KRP/officers")).ExpectAsync(HttpStatusCode.OK);
            Assert.That((string?)listed["items"]![0]!["status"], Is.EqualTo("locked"));

            App.Clock.Advance(TimeSpan.FromMinutes(31));
            Assert.That((await SignInAsync(browser, username, "correct horse battery", Code(0))).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the lock ends after 30 minutes");
        }
    }

    [Test]
    public async Task TheAuditNamesTheOfficerForPageActionsAndNobodyForApiKeys()
    {
        var (browser, username, secret) = await EnrolledOfficerAsync("PT-PJ", "PT", "search");
        using (browser)
        {
            await SignInAsync(browser, username, "correct horse battery", Totp.Code(secret, Totp.StepAt(App.Clock.GetUtcNow()) + 1));
            var searched = await PostFormAsync(browser, "/", "/", [("Form.SerialNumber", "QQ 999 000"), ("Form.Purpose", "investigation")]);
            Assert.That(searched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await searched.Content.ReadAsStringAsync(), Does.Contain("No record matches"));
        }
        using var hq = App.Admin();
        var entries = (await (await hq.GetAsync("/api/v1/audit?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        var search = entries.First(e => (string?)e!["action"] == "search" && (string?)e["agency"] == "PT-PJ")!;
        var signIn = entries.First(e => (string?)e!["action"] == "officer.sign-in" && (string?)e["officer"] == username)!;
        var apiCall = entries.First(e => (string?)e!["action"] == "audit.read" || (string?)e!["action"] == "officer.list" || (string?)e!["action"] == "agency.create")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)search["officer"], Is.EqualTo(username));
            Assert.That(search["keyId"], Is.Null, "an officer acts without an API key");
            Assert.That((string?)signIn["outcome"], Is.EqualTo("allowed"));
            Assert.That(apiCall["officer"], Is.Null, "a call with an API key names no officer");
        });
        var verified = await (await hq.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(verified.ToJsonString(), Does.Contain("true"), "the chain, officer names included, verifies");
    }

    [Test]
    public async Task EnrolmentRefusesAShortPasswordAndAWrongCodeAndTheLinkExpiresAfter72Hours()
    {
        using var hq = App.Admin();
        await App.AgencyAsync("AT-BK", "AT", "search");
        var created = await (await hq.PostJsonAsync("/api/v1/agencies/AT-BK/officers", new { username = "at.officer", displayName = "A", roles = new[] { "search" } }))
            .ExpectAsync(HttpStatusCode.Created);
        var path = (string)created["enrolmentPath"]!;
        using var browser = Browser();
        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        var secret = Totp.FromBase32(SecretPattern().Match(page).Groups[1].Value)!;
        var refused = await PostFormAsync(browser, path, path, [
            ("EnrolmentCode", (string)created["enrolmentCode"]!), ("Password", "too short"), ("Confirmation", "too short"), ("TotpCode", "000000")]);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(html, Does.Contain("at least 12 characters"));
            Assert.That(html, Does.Contain("not the current code"));
            Assert.That(secret, Has.Length.EqualTo(20));
        });
        App.Clock.Advance(TimeSpan.FromHours(73));
        Assert.That((await browser.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the code expired");
    }

    /// <summary>A client that keeps cookies, on https (the session cookie is Secure outside Development).</summary>
    private HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    private async Task<(HttpClient Browser, string Username, byte[] Secret)> EnrolledOfficerAsync(string agency, string country, params string[] roles)
    {
        await App.AgencyAsync(agency, country, "search");
        using var hq = App.Admin();
        var username = agency.ToLowerInvariant() + ".officer";
        var created = await (await hq.PostJsonAsync($"/api/v1/agencies/{agency}/officers", new { username, displayName = "Officer", roles }))
            .ExpectAsync(HttpStatusCode.Created);
        var path = (string)created["enrolmentPath"]!;
        var browser = Browser();
        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        var secret = Totp.FromBase32(SecretPattern().Match(page).Groups[1].Value)!;
        var enrolled = await PostFormAsync(browser, path, path, [
            ("EnrolmentCode", (string)created["enrolmentCode"]!), ("Password", "correct horse battery"), ("Confirmation", "correct horse battery"),
            ("TotpCode", Totp.Code(secret, Totp.StepAt(App.Clock.GetUtcNow())))]);
        Assert.That(await enrolled.Content.ReadAsStringAsync(), Does.Contain("You are enrolled"));
        return (browser, username, secret);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string username, string password, string code) =>
        PostFormAsync(browser, "/sign-in", "/sign-in", [("Username", username), ("Password", password), ("Code", code)]);

    /// <summary>Posts a form as the page would: with the antiforgery token of the page it is on.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string pagePath, string action, IEnumerable<(string, string)> fields)
    {
        var page = await browser.GetAsync(pagePath);
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html).Groups[1].Value;
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).Append(new("__RequestVerificationToken", token));
        return await browser.PostAsync(action, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<code id=\"totp-secret\">([A-Z2-7]+)</code>")]
    private static partial Regex SecretPattern();
}
