using System.Net;
using System.Net.Http.Json;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Agencies;

public class AgencyAndKeyTests : ApiFixture
{
    [Test]
    public async Task ARequestWithoutAKeyIsUnauthorizedWithProblemDetails()
    {
        using var anonymous = App.ClientWithKey(null);
        var body = await (await anonymous.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That((string?)body["title"], Is.Not.Empty);
    }

    [Test]
    public async Task AnUnknownKeyIsUnauthorized()
    {
        using var client = App.ClientWithKey("iak_not-a-real-key");
        await (await client.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task AKeyWithoutTheRoleIsForbidden()
    {
        using var searcher = await App.AgencyAsync("NL-KLPD", "NL", "search");
        var response = await searcher.PostJsonAsync("/api/v1/agencies", new { code = "XX-NEW", name = "x", countryCode = "FR" });
        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await searcher.PostJsonAsync("/api/v1/firearms", Records.Firearm())).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task TheAdminRegistersAnAgencyThatEveryAgencyCanList()
    {
        using var admin = App.Admin();
        var created = await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "ES-CNP", name = "Policía Nacional", countryCode = "ES" }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.That((string?)created["code"], Is.EqualTo("ES-CNP"));

        using var other = await App.AgencyAsync("PT-PJ", "PT", "search");
        var list = (await (await other.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        var es = list.AsArray().Single(a => (string?)a!["code"] == "ES-CNP");
        Assert.That((string?)es!["countryCode"], Is.EqualTo("ES"));
        Assert.That((string?)es["name"], Is.EqualTo("Policía Nacional"));
    }

    [Test]
    public async Task RegisteringAnAgencyCodeTwiceIsAConflict()
    {
        using var admin = App.Admin();
        await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "IT-CC", name = "Carabinieri", countryCode = "IT" })).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "IT-CC", name = "Again", countryCode = "IT" })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [TestCase("fr ncb", "FR", "code")]
    [TestCase("", "FR", "code")]
    [TestCase("FR-GN", "XX", "countryCode")]
    [TestCase("FR-GN", "fr", "countryCode")]
    public async Task AnInvalidAgencyNamesTheFailingField(string code, string country, string field)
    {
        using var admin = App.Admin();
        await (await admin.PostJsonAsync("/api/v1/agencies", new { code, name = "x", countryCode = country })).ExpectFieldErrorAsync(field);
    }

    [Test]
    public async Task AnIssuedKeyIsShownOnceAndListedWithoutItsSecret()
    {
        using var admin = App.Admin();
        await admin.PostJsonAsync("/api/v1/agencies", new { code = "AT-BK", name = "Bundeskriminalamt AT", countryCode = "AT" });
        var issued = await (await admin.PostJsonAsync("/api/v1/agencies/AT-BK/api-keys", new { roles = new[] { "search", "record" }, label = "national system" }))
            .ExpectAsync(HttpStatusCode.Created);
        var key = (string)issued["key"]!;
        Assert.That(key, Has.Length.GreaterThan(30));
        Assert.That(issued["roles"]!.AsArray().Select(r => (string?)r), Is.EqualTo(new[] { "record", "search" }));

        var listed = (await (await admin.GetAsync("/api/v1/agencies/AT-BK/api-keys")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(listed.ToJsonString(), Does.Not.Contain(key));
        Assert.That((string?)listed[0]!["prefix"], Has.Length.LessThanOrEqualTo(8), "the stored prefix must not give away the key");
        var bootstrap = (await (await admin.GetAsync("/api/v1/agencies/HQ/api-keys")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That((string?)bootstrap[0]!["prefix"], Has.Length.LessThanOrEqualTo(IArmsApplication.AdminKey.Length / 4));
        Assert.That(listed.AsArray(), Has.Count.EqualTo(1));

        using var holder = App.ClientWithKey(key);
        await (await holder.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task ARevokedKeyStopsWorkingAtOnce()
    {
        using var admin = App.Admin();
        await admin.PostJsonAsync("/api/v1/agencies", new { code = "PL-KGP", name = "Komenda Główna Policji", countryCode = "PL" });
        var issued = await (await admin.PostJsonAsync("/api/v1/agencies/PL-KGP/api-keys", new { roles = new[] { "search" }, label = "x" }))
            .ExpectAsync(HttpStatusCode.Created);
        using var holder = App.ClientWithKey((string)issued["key"]!);
        await (await holder.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);

        await (await admin.DeleteAsync($"/api/v1/agencies/PL-KGP/api-keys/{(long)issued["id"]!}")).ExpectAsync(HttpStatusCode.NoContent);

        await (await holder.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var listed = (await (await admin.GetAsync("/api/v1/agencies/PL-KGP/api-keys")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That((string?)listed[0]!["revokedAt"], Is.Not.Null);
    }

    [Test]
    public async Task RevokingAKeyOfAnotherAgencyIsNotFound()
    {
        using var admin = App.Admin();
        await admin.PostJsonAsync("/api/v1/agencies", new { code = "CH-FEDPOL", name = "fedpol", countryCode = "CH" });
        var issued = await (await admin.PostJsonAsync("/api/v1/agencies/CH-FEDPOL/api-keys", new { roles = new[] { "search" }, label = "x" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await admin.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{(long)issued["id"]!}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        using var holder = App.ClientWithKey((string)issued["key"]!);
        await (await holder.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task AKeyForAnUnknownAgencyIsNotFound()
    {
        using var admin = App.Admin();
        await (await admin.PostJsonAsync("/api/v1/agencies/NO-SUCH/api-keys", new { roles = new[] { "search" }, label = "x" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AKeyWithAnUnknownRoleNamesTheRole()
    {
        using var admin = App.Admin();
        var messages = await (await admin.PostJsonAsync("/api/v1/agencies/HQ/api-keys", new { roles = new[] { "search", "superuser" }, label = "x" }))
            .ExpectFieldErrorAsync("roles[1]");
        Assert.That(messages[0], Does.Contain("superuser"));
        await (await admin.PostJsonAsync("/api/v1/agencies/HQ/api-keys", new { roles = Array.Empty<string>(), label = "x" })).ExpectFieldErrorAsync("roles");
    }

    [Test]
    public async Task HealthAnswersWithoutAKey()
    {
        using var anonymous = App.ClientWithKey(null);
        await (await anonymous.GetAsync("/health/live")).ExpectAsync(HttpStatusCode.OK);
        var ready = await (await anonymous.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)ready["status"], Is.EqualTo("ready"));
    }

    [Test]
    public async Task AnUnknownRouteIsNotFoundWithProblemDetails()
    {
        using var admin = App.Admin();
        await (await admin.GetAsync("/api/v1/no-such-thing")).ExpectProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = App.ClientWithKey(null);
        await (await anonymous.GetAsync("/api/v2/firearms")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}
