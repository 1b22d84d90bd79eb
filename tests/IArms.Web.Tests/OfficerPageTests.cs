using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IArms.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IArms.Web.Tests;

/// <summary>The officer's page in a real browser, tried as an officer would: enrol, sign in, search, read, answer, edit.</summary>
public sealed class OfficerPageTests : BrowserTest
{
    [Test]
    public async Task AnOfficerEnrolsSignsInWithATotpCodeAndFindsTheDemosMisreadSerialExplained()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search", "record", "trace");
        await Page.GotoAsync(Url("/sign-in"));
        await AssertAccessibleAsync();
        await SignInAsync(officer);
        await AssertAccessibleAsync();

        await Page.GetByLabel("Serial number").FillAsync("A8 I23 4S6");
        await Page.GetByLabel("Case reference").FillAsync("BKA-2026-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        var first = Page.Locator(".result").First;
        await Expect(first).ToContainTextAsync("Glock 17");
        await Expect(first.Locator(".why")).ToContainTextAsync("confusable match: read 8 as B, I as 1 and S as 5 (characters that look alike)");
        Assert.That(await first.Locator(".serial mark").AllInnerTextsAsync(), Is.EqualTo(new[] { "B", "1", "5" }), "the three misread characters are highlighted");
        await Expect(first).ToContainTextAsync("FR-NCB");
        await AssertAccessibleAsync();
        await Page.ScreenshotAsync(new() { Path = Path.Combine(RepoRoot, "artifacts", "web", "search.png"), FullPage = true });

        // The search is audited under the officer's name, with no API key.
        using var admin = WebHost.Api(WebHost.AdminKey);
        var audit = JsonNode.Parse(await admin.GetStringAsync("/api/v1/audit?action=search&limit=20"))!["items"]!.AsArray();
        var mine = audit.FirstOrDefault(e => e!["officer"]?.GetValue<string>() == officer.Username);
        Assert.That(mine, Is.Not.Null, "the officer's search is in the audit log under the officer's name");
        Assert.Multiple(() =>
        {
            Assert.That(mine!["agency"]!.GetValue<string>(), Is.EqualTo("DE-BKA"));
            Assert.That(mine["keyId"], Is.Null);
            Assert.That(mine["caseReference"]!.GetValue<string>(), Is.EqualTo("BKA-2026-1"));
        });
    }

    [Test]
    public async Task TheRecordShowsEveryFieldAndItsChainInDateOrderWithThePointOfDiversionAndTheRoute()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search");
        await SignInAsync(officer);
        await Page.GotoAsync(Url("/firearms/3"));

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Kalashnikov AKM");
        await Expect(Page.Locator("#diversion")).ToContainTextAsync("Point of diversion: theft");
        await Expect(Page.Locator("#diversion")).ToContainTextAsync("Confidence high");
        await Expect(Page.Locator("#diversion")).ToContainTextAsync("Ministry of Defence depot 1142");
        var dates = await Page.Locator(".timeline time").AllInnerTextsAsync();
        Assert.That(dates, Is.Ordered, "the custody timeline is in date order");
        Assert.That(dates, Has.Count.GreaterThanOrEqualTo(3));
        await Expect(Page.Locator(".timeline .first-illicit")).ToContainTextAsync("reported-stolen");
        await Expect(Page.Locator(".timeline .last-lawful")).ToContainTextAsync("transferred");
        await Expect(Page.Locator(".route figcaption")).ToContainTextAsync("RU → UA");
        await Expect(Page.Locator("main")).ToContainTextAsync("Data quality");
        await Expect(Page.Locator("main")).ToContainTextAsync("1988-KF 4471");
        await AssertAccessibleAsync();
        await Page.ScreenshotAsync(new() { Path = Path.Combine(RepoRoot, "artifacts", "web", "timeline.png"), FullPage = true });
    }

    [Test]
    public async Task NoPageShowsARecordTheOfficersAgencyMayNotSee()
    {
        // The demo's Walther (record 4) is visible to France and Belgium only; the United States' officer does not see it.
        var officer = await NewOfficerAsync("US-ATF", "search", "record");
        await SignInAsync(officer);
        var response = await Page.GotoAsync(Url("/firearms/4"));
        Assert.That(response!.Status, Is.EqualTo(404));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Record not found");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("Walther");
        await AssertAccessibleAsync();
        await Page.GotoAsync(Url("/firearms/4/edit"));
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("WB 45213");

        await Page.GotoAsync(Url("/"));
        await Page.GetByLabel("Serial number").FillAsync("WB 45213");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(Page.Locator("#results-title")).ToHaveTextAsync("No record matches");
    }

    [Test]
    public async Task AnOfficerAcknowledgesAHitAlertFromTheInbox()
    {
        // Germany's national system finds France's stolen Glock: France's inbox gets a hit.
        using (var de = WebHost.Api(WebHost.DeKey))
        {
            var search = await de.PostAsJsonAsync("/api/v1/searches", new { serialNumber = "AB 123-456", purpose = "seizure" });
            Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK), await search.Content.ReadAsStringAsync());
        }
        var officer = await NewOfficerAsync("FR-NCB", "search", "trace");
        await SignInAsync(officer);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        var hits = Page.Locator(".card.alert-hit");
        var before = await hits.CountAsync();
        Assert.That(before, Is.GreaterThan(0), "the hit is in the inbox");
        await AssertAccessibleAsync();

        await hits.First.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Acknowledge") }).ClickAsync();
        await Expect(Page.Locator("#notice")).ToHaveTextAsync("Alert acknowledged.");
        Assert.That(await Page.Locator(".card.alert-hit").CountAsync(), Is.EqualTo(before - 1));
    }

    [Test]
    public async Task AnOfficerAnswersATraceRequestWithACustodyEventAndTheAnswerJoinsTheChain()
    {
        using var de = WebHost.Api(WebHost.DeKey);
        var created = await de.PostAsJsonAsync("/api/v1/trace-requests", new { firearmId = 3, toAgency = "FR-NCB", priority = "urgent", message = "Did this AKM pass through France?" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();

        var officer = await NewOfficerAsync("FR-NCB", "search", "trace");
        await SignInAsync(officer);
        await Page.GotoAsync(Url("/inbox"));
        await Expect(Page.Locator("#incoming-title")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = $"Answer request {id}" }).ClickAsync();
        await AssertAccessibleAsync();

        await Page.GetByLabel("Outcome").SelectOptionAsync("partially-traced");
        await Page.Locator("#e0-type").SelectOptionAsync("imported");
        await Page.Locator("#e0-date").FillAsync("2023-01-15");
        await Page.Locator("#e0-from").FillAsync("Unknown broker");
        await Page.Locator("#e0-fromkind").SelectOptionAsync("unknown");
        await Page.Locator("#e0-to").FillAsync("Armurerie du Rhône");
        await Page.Locator("#e0-tokind").SelectOptionAsync("dealer");
        await Page.Locator("#e0-tocountry").FillAsync("FR");
        await Page.Locator("#e0-country").FillAsync("FR");
        await Page.Locator("#e0-place").FillAsync("Lyon");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send the answer" }).ClickAsync();
        await Expect(Page.Locator("#notice")).ToHaveTextAsync($"Trace request {id} answered.");

        var report = JsonNode.Parse(await de.GetStringAsync("/api/v1/firearms/3/trace"))!;
        Assert.That(report["chain"]!.AsArray().Any(e => e!["source"]!.GetValue<string>() == "FR-NCB" && e["place"]?.GetValue<string>() == "Lyon"),
            "the answer's event joined the chain with France as its source");
        using var admin = WebHost.Api(WebHost.AdminKey);
        var audit = JsonNode.Parse(await admin.GetStringAsync("/api/v1/audit?action=trace-request.answer&limit=5"))!["items"]!.AsArray();
        Assert.That(audit.Any(e => e!["officer"]?.GetValue<string>() == officer.Username && e["statusCode"]!.GetValue<int>() == 200), "the answer is audited under the officer's name");
    }

    [Test]
    public async Task EditingARecordShowsTheValidatorsMessagesAndExplainsAnETagConflict()
    {
        var officer = await NewOfficerAsync("FR-NCB", "search", "record");
        await SignInAsync(officer);
        await Page.GetByRole(AriaRole.Link, new() { Name = "New record" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("New record");
        await AssertAccessibleAsync();
        await Page.GotoAsync(Url("/firearms/2/edit"));
        await AssertAccessibleAsync();

        // A field the API's validator refuses: the message stands beside it.
        await Page.Locator("#f-serialNumber").FillAsync("");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save the record" }).ClickAsync();
        await Expect(Page.Locator("#f-serialNumber-error")).ToContainTextAsync("'serialNumber' must not be empty");
        await AssertAccessibleAsync();
        await Page.Locator("#f-serialNumber").FillAsync("PY12345");

        // Meanwhile France's national system changes the record (with its ETag, as the API requires).
        using (var fr = WebHost.Api(WebHost.FrKey))
        {
            var current = await fr.GetAsync("/api/v1/firearms/2");
            var etag = current.Headers.ETag!.Tag;
            var r = JsonNode.Parse(await current.Content.ReadAsStringAsync())!;
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/firearms/2")
            {
                Content = JsonContent.Create(new
                {
                    externalId = r["externalId"]!.GetValue<string>(), serialNumber = r["serialNumber"]!.GetValue<string>(), otherSerials = Array.Empty<object>(),
                    make = r["make"]!.GetValue<string>(), model = r["model"]!.GetValue<string>(), calibre = r["calibre"]!.GetValue<string>(),
                    type = r["type"]!.GetValue<string>(), countryOfManufacture = "IT", yearOfManufacture = 2009, importMarking = "", status = "stolen",
                    eventDate = "2025-03-14", eventCountryCode = "FR", eventPlace = "Marseille", caseReference = r["caseReference"]!.GetValue<string>(),
                    obliteratedSerial = false, visibility = new { scope = "all" }, notes = "Changed by the national system",
                }),
            };
            put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
            var replaced = await fr.SendAsync(put);
            Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK), await replaced.Content.ReadAsStringAsync());
        }

        await Page.Locator("#f-notes").FillAsync("Found at a flea market");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save the record" }).ClickAsync();
        await Expect(Page.Locator("#form-problem")).ToContainTextAsync("Someone else changed this record after you opened it");
        await Expect(Page.Locator("#conflict")).ToContainTextAsync("Changed by the national system");
        await Expect(Page.Locator("#f-notes")).ToHaveValueAsync("Found at a flea market");
        await AssertAccessibleAsync();

        // Saved again, knowingly, over the current version.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save the record" }).ClickAsync();
        await Expect(Page.Locator("main")).ToContainTextAsync("Found at a flea market");
        Assert.That(Page.Url, Does.EndWith("/firearms/2"));
    }

    [Test]
    public async Task FiveWrongPasswordsLockTheAccountAndTheRightOneIsThenRefused()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search");
        await Page.GotoAsync(Url("/sign-in"));
        for (var i = 1; i <= 5; i++)
        {
            await FillSignInAsync(officer.Username, "wrong password " + i, officer.NextCode());
            await Expect(Page.Locator("#sign-in-error")).ToContainTextAsync(i < 5 ? "wrong" : "locked");
        }
        await FillSignInAsync(officer.Username, officer.Password, officer.NextCode());
        await Expect(Page.Locator("#sign-in-error")).ToContainTextAsync("locked");
        await AssertAccessibleAsync();
    }

    [Test]
    public async Task ADisabledOfficersSessionStopsAtOnce()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search");
        await SignInAsync(officer);
        using var admin = WebHost.Api(WebHost.AdminKey);
        var disabled = await admin.DeleteAsync($"/api/v1/agencies/DE-BKA/officers/{officer.Id}");
        Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        await Page.GotoAsync(Url("/inbox"));
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/sign-in"), "the next request is sent to the sign-in page");
        await FillSignInAsync(officer.Username, officer.Password, officer.NextCode());
        await Expect(Page.Locator("#sign-in-error")).ToContainTextAsync("wrong");
    }

    [Test]
    public async Task AFormPostedWithoutTheAntiforgeryTokenIsRefused()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search");
        await SignInAsync(officer);
        // The officer's own cookies, but a form another site could have made: no antiforgery token.
        var forged = await Context.APIRequest.PostAsync(Url("/"), new APIRequestContextOptions
        {
            Form = Context.APIRequest.CreateFormData().Set("Form.SerialNumber", "AB123456").Set("Form.Purpose", "seizure"),
        });
        Assert.That(forged.Status, Is.EqualTo(400));
        var signOut = await Context.APIRequest.PostAsync(Url("/sign-out"));
        Assert.That(signOut.Status, Is.EqualTo(400));
        await Page.GotoAsync(Url("/"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Search a serial number" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task EveryPageForbidsFramingAndScripts()
    {
        foreach (var path in new[] { "/sign-in", "/enrol?code=nothing", "/assets/site.css" })
        {
            var response = await Page.GotoAsync(Url(path));
            var csp = await response!.HeaderValueAsync("content-security-policy");
            Assert.Multiple(async () =>
            {
                Assert.That(csp, Does.Contain("frame-ancestors 'none'"), path);
                Assert.That(csp, Does.Contain("script-src 'none'"), path);
                Assert.That(await response.HeaderValueAsync("x-frame-options"), Is.EqualTo("DENY"), path);
            });
        }
        // A page of another origin that frames the sign-in page gets nothing rendered in the frame.
        await Page.SetContentAsync($"<iframe id=f src=\"{Url("/sign-in")}\"></iframe>");
        await Page.WaitForTimeoutAsync(500);
        var frame = Page.Frames.FirstOrDefault(f => f.Url.Contains("/sign-in", StringComparison.Ordinal));
        var framed = frame is null ? "" : await frame.ContentAsync();
        Assert.That(framed, Does.Not.Contain("Sign in"), "the framed page is blocked");
    }

    [Test]
    public async Task AScriptInASerialOrANoteIsShownAsTextAndNeverRuns()
    {
        long id;
        using (var de = WebHost.Api(WebHost.DeKey))
        {
            var created = await de.PostAsJsonAsync("/api/v1/firearms", new
            {
                externalId = "DE-XSS-" + Guid.NewGuid().ToString("N")[..8], serialNumber = "<script>window.pwned=1</script>", make = "Walther", model = "PPK",
                calibre = "7.65mm", type = "pistol", status = "stolen", eventDate = "2026-01-02", eventCountryCode = "DE", eventPlace = "Bonn",
                caseReference = "XSS-1", visibility = new { scope = "all" },
                notes = "<script>window.pwned=2</script><img src=x onerror=\"window.pwned=3\">",
            });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        }
        var officer = await NewOfficerAsync("DE-BKA", "search", "record");
        await SignInAsync(officer);
        await Page.GotoAsync(Url($"/firearms/{id}"));
        await Expect(Page.Locator(".lead code")).ToHaveTextAsync("<script>window.pwned=1</script>");
        await Expect(Page.Locator(".notes").First).ToHaveTextAsync("<script>window.pwned=2</script><img src=x onerror=\"window.pwned=3\">");
        Assert.Multiple(async () =>
        {
            Assert.That(await Page.EvaluateAsync<string>("() => typeof window.pwned"), Is.EqualTo("undefined"));
            Assert.That(await Page.Locator("main script, main img").CountAsync(), Is.Zero, "no element was made of the record's text");
        });
        await Page.GotoAsync(Url($"/firearms/{id}/edit"));
        await Expect(Page.Locator("#f-serialNumber")).ToHaveValueAsync("<script>window.pwned=1</script>");
        Assert.That(await Page.EvaluateAsync<string>("() => typeof window.pwned"), Is.EqualTo("undefined"));
    }
}

/// <summary>The search and record views with JavaScript switched off: plain forms and links, nothing needs a script.</summary>
public sealed class NoScriptTests : BrowserTest
{
    protected override bool JavaScript => false;

    [Test]
    public async Task WithJavaScriptOffAnOfficerSearchesAndOpensTheRecordAndItsTimeline()
    {
        var officer = await NewOfficerAsync("DE-BKA", "search");
        await SignInAsync(officer);
        await Page.GetByLabel("Serial number").FillAsync("1988-KF 44?1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var first = Page.Locator(".result").First;
        await Expect(first.Locator(".why")).ToContainTextAsync("wildcard match");
        await first.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.Locator("#diversion")).ToContainTextAsync("theft");
        await Expect(Page.Locator(".timeline")).ToContainTextAsync("manufactured");
    }
}
