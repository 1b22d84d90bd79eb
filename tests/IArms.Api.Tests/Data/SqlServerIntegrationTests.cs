using System.Net;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Data;

/// <summary>
/// The record life cycle against a real SQL Server, when <c>IARMS_TEST_SQLSERVER</c> holds a connection
/// string (a database the tests may create and fill). Reported as skipped otherwise.
/// </summary>
public class SqlServerIntegrationTests
{
    private static string ConnectionString()
    {
        var value = Environment.GetEnvironmentVariable("IARMS_TEST_SQLSERVER");
        if (string.IsNullOrWhiteSpace(value))
        {
            Assert.Ignore("IARMS_TEST_SQLSERVER is not set: no SQL Server to test against.");
        }
        return value!;
    }

    [Test]
    public async Task RecordsAreCreatedReadReplacedAndWithdrawnOnSqlServer()
    {
        using var app = new IArmsApplication(DatabaseProvider.SqlServer, ConnectionString());
        using var owner = await app.AgencyAsync("SQL-OWNER", "FR", "search", "record");
        using var reader = await app.AgencyAsync("SQL-READER", "DE", "search");

        var record = Firearm("SQL 123-456");
        var created = await owner.PostJsonAsync("/api/v1/firearms", record);
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var location = created.Headers.Location!.ToString();
        await (await reader.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);

        var replaced = await owner.SendJsonAsync(HttpMethod.Put, location, record with { Status = "recovered" }, ("If-Match", created.Headers.ETag!.ToString()));
        await replaced.ExpectAsync(HttpStatusCode.OK);
        await (await owner.SendJsonAsync(HttpMethod.Put, location, record, ("If-Match", created.Headers.ETag!.ToString()))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await owner.WithdrawAsync(location)).ExpectAsync(HttpStatusCode.NoContent);
        await (await reader.GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.That((string?)body["normalizedSerial"], Is.EqualTo("SQL123456"));
    }
}
