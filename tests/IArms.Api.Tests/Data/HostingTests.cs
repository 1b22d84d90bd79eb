using IArms.Api.Infrastructure;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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
}
