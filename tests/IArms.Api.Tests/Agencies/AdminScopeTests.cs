using System.Net;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Agencies;

/// <summary>Issue 11, defect 6: the central administrator manages every agency; an agency's admin only its own keys.</summary>
public class AdminScopeTests : ApiFixture
{
    private HttpClient _admin = null!;
    private HttpClient _frAdmin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _admin = App.Admin();
        _frAdmin = await App.AgencyAsync("FR-NCB", "FR", "admin", "audit");
        await (await _admin.PostJsonAsync("/api/v1/agencies", new { code = "DE-BKA", name = "BKA", countryCode = "DE" })).ExpectAsync(HttpStatusCode.Created);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _admin.Dispose();
        _frAdmin.Dispose();
    }

    private async Task<(long Id, string Key)> IssueAsync(HttpClient by, string agency, params string[] roles)
    {
        var issued = await (await by.PostJsonAsync($"/api/v1/agencies/{agency}/api-keys", new { roles, label = "x" })).ExpectAsync(HttpStatusCode.Created);
        return ((long)issued["id"]!, (string)issued["key"]!);
    }

    [Test]
    public async Task AnAgencyAdminIssuesListsAndRevokesItsOwnAgencysKeys()
    {
        var (id, key) = await IssueAsync(_frAdmin, "FR-NCB", "search", "record");
        var listed = (await (await _frAdmin.GetAsync("/api/v1/agencies/FR-NCB/api-keys")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(listed.AsArray().Select(k => (long)k!["id"]!), Does.Contain(id));
        await (await _frAdmin.DeleteAsync($"/api/v1/agencies/FR-NCB/api-keys/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        using var revoked = App.ClientWithKey(key);
        await (await revoked.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task AnAgencyAdminIsForbiddenFromAnotherAgencysKeysWhetherOrNotTheyExist()
    {
        var (id, key) = await IssueAsync(_admin, "DE-BKA", "search");

        var list = await (await _frAdmin.GetAsync("/api/v1/agencies/DE-BKA/api-keys")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)list["detail"], Does.Contain("DE-BKA"));
        await (await _frAdmin.PostJsonAsync("/api/v1/agencies/DE-BKA/api-keys", new { roles = new[] { "search" }, label = "x" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _frAdmin.DeleteAsync($"/api/v1/agencies/DE-BKA/api-keys/{id}")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        // No more is told about a key or agency that does not exist: the same 403.
        await (await _frAdmin.DeleteAsync("/api/v1/agencies/DE-BKA/api-keys/999999")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _frAdmin.GetAsync("/api/v1/agencies/NO-SUCH/api-keys")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        // Nor may it reach another agency's key through its own agency's path.
        await (await _frAdmin.DeleteAsync($"/api/v1/agencies/FR-NCB/api-keys/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);

        using var holder = App.ClientWithKey(key);
        await (await holder.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
        var denied = await (await _admin.GetAsync("/api/v1/audit?agency=FR-NCB&outcome=denied&action=api-key.revoke")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(denied["items"]!.AsArray(), Has.Count.EqualTo(2), "each refusal is audited");
    }

    [Test]
    public async Task OnlyTheCentralAdministratorRegistersAgenciesAndIssuesAdminKeys()
    {
        await (await _frAdmin.PostJsonAsync("/api/v1/agencies", new { code = "XX-NEW", name = "x", countryCode = "FR" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var own = await (await _frAdmin.PostJsonAsync("/api/v1/agencies/FR-NCB/api-keys", new { roles = new[] { "search", "admin" }, label = "x" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)own["detail"], Does.Contain("admin keys"));

        var (_, key) = await IssueAsync(_admin, "DE-BKA", "admin");
        using var deAdmin = App.ClientWithKey(key);
        await (await deAdmin.GetAsync("/api/v1/agencies/DE-BKA/api-keys")).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task AnAgencyAdminReadsItsOwnAgencysAuditOnlyAndChangesNoReferenceData()
    {
        await (await _frAdmin.GetAsync("/api/v1/audit?agency=DE-BKA")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var own = await (await _frAdmin.GetAsync("/api/v1/audit?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(own["items"]!.AsArray().Select(e => (string?)e!["agency"]).Distinct(), Is.EqualTo(new[] { "FR-NCB" }));
        await (await _frAdmin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Acme Arms", aliases = Array.Empty<string>() }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task RevokingTheLastActiveCentralAdminKeyIsAConflictAndTheKeyKeepsWorking()
    {
        var hqKeys = (await (await _admin.GetAsync("/api/v1/agencies/HQ/api-keys")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        var bootstrap = (long)hqKeys.AsArray().First(k => (string?)k!["label"] == "bootstrap admin key")!["id"]!;

        var conflict = await (await _admin.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{bootstrap}")).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.That((string?)conflict["detail"], Does.Contain("last active admin key"));
        await (await _admin.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);

        // With a second active HQ admin key, one may go; the one left is then the last again.
        var (second, _) = await IssueAsync(_admin, "HQ", "admin");
        await (await _admin.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{second}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await _admin.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{bootstrap}")).ExpectProblemAsync(HttpStatusCode.Conflict);
        // An HQ key without the admin role is not protected: it is no administrator.
        var (searchKey, _) = await IssueAsync(_admin, "HQ", "search");
        await (await _admin.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{searchKey}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task HqHasNoCountrySoRecordsRestrictedToFranceStayHiddenFromItsSearchKeys()
    {
        using var owner = await App.AgencyAsync("FR-PN", "FR", "record", "search");
        var restricted = await (await owner.PostJsonAsync("/api/v1/firearms",
            Firearm("HQ 777 RESTRICTED") with { Visibility = new VisibilityBody("countries", ["FR"]) })).ExpectAsync(HttpStatusCode.Created);
        var open = await (await owner.PostJsonAsync("/api/v1/firearms", Firearm("HQ 778 OPEN"))).ExpectAsync(HttpStatusCode.Created);
        var (_, key) = await IssueAsync(_admin, "HQ", "search", "record", "trace", "audit");
        using var hq = App.ClientWithKey(key);

        var agencies = (await (await hq.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(agencies.AsArray().Single(a => (string?)a!["code"] == "HQ")!["countryCode"], Is.Null);
        await (await hq.GetAsync($"/api/v1/firearms/{(long)restricted["id"]!}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await hq.GetAsync($"/api/v1/firearms/{(long)open["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        var search = await (await hq.PostJsonAsync("/api/v1/searches", new { serialNumber = "HQ777RESTRICTED", purpose = "investigation" })).ExpectAsync(HttpStatusCode.OK);
        Assert.That(search["results"]!.AsArray(), Is.Empty);
        var found = await (await hq.PostJsonAsync("/api/v1/searches", new { serialNumber = "HQ778OPEN", purpose = "investigation" })).ExpectAsync(HttpStatusCode.OK);
        Assert.That(found["results"]!.AsArray(), Has.Count.EqualTo(1), "a hit on a wanted record raises its alert without a country");
        var hit = (await (await owner.GetAsync("/api/v1/alerts")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray()
            .Single(a => (string?)a!["searchId"] == (string?)found["searchId"])!;
        Assert.That((string?)hit["fromAgency"], Is.EqualTo("HQ"));
        Assert.That(hit["fromCountry"], Is.Null);
        var list = await (await hq.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(list["items"]!.AsArray().Select(f => (long)f!["id"]!), Does.Not.Contain((long)restricted["id"]!));

        // Every other route answers an HQ key without a server error.
        await (await hq.PostJsonAsync("/api/v1/firearms", Firearm("HQ 779 OWN"))).ExpectAsync(HttpStatusCode.Created);
        await (await hq.PostJsonAsync("/api/v1/trace-requests", new { firearmId = (long)open["id"]!, toAgency = "FR-PN" })).ExpectAsync(HttpStatusCode.Created);
        foreach (var url in new[]
        {
            "/api/v1/alerts", "/api/v1/trace-requests", "/api/v1/trace-requests/stats", $"/api/v1/firearms/{(long)open["id"]!}/trace",
            "/api/v1/audit", "/api/v1/reference/types",
        })
        {
            var response = await hq.GetAsync(url);
            Assert.That((int)response.StatusCode, Is.LessThan(500), $"{url}: {await response.Content.ReadAsStringAsync()}");
            Assert.That(response.IsSuccessStatusCode, url);
        }
    }

    [Test]
    public async Task HqTakesTheConfiguredBootstrapCountryAndRefusesAMalformedOne()
    {
        using var app = new IArmsApplication();
        using var configured = app.WithWebHostBuilder(b => b.UseSetting("IArms:BootstrapCountryCode", "FR"));
        using var admin = configured.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", IArmsApplication.AdminKey);
        var agencies = (await (await admin.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That((string?)agencies.AsArray().Single(a => (string?)a!["code"] == "HQ")!["countryCode"], Is.EqualTo("FR"));

        using var other = new IArmsApplication();
        using var malformed = other.WithWebHostBuilder(b => b.UseSetting("IArms:BootstrapCountryCode", "France"));
        var error = Assert.Catch(() => malformed.CreateClient());
        Assert.That(error!.ToString(), Does.Contain("IArms:BootstrapCountryCode"));
    }
}
