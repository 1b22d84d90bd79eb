using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IArms.Api.Tests.Data;

public class HostingTests
{
    [Test]
    public void DataProtectionKeysStayInMemoryRatherThanUnderTheHomeFolder()
    {
        using var app = new IArmsApplication();
        var options = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;
        Assert.That(options.XmlRepository, Is.InstanceOf<InMemoryXmlRepository>());
    }

    [TestCase("Database:Provider", "SqlServer", null, DatabaseProvider.SqlServer)]
    [TestCase("IArms:Database:Provider", "SqlServer", null, DatabaseProvider.SqlServer)]
    [TestCase("Database:Provider", "Sqlite", "SqlServer", DatabaseProvider.Sqlite)]
    [TestCase("Database:Provider", null, null, DatabaseProvider.Sqlite)]
    public void TheProviderIsReadFromDatabaseProviderAndItsAlias(string key, string? value, string? alias, DatabaseProvider expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["IArms:Database:Provider"] = alias ?? (key == "IArms:Database:Provider" ? value : null),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        DatabaseOptions.Register(services);
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider, Is.EqualTo(expected));
    }
}
