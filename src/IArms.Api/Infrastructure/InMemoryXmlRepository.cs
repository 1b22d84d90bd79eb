using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace IArms.Api.Infrastructure;

/// <summary>
/// Keeps data-protection keys in memory. IArms protects nothing at rest with them (API keys are
/// hashed, no cookies are issued); without this the framework would write key files under $HOME.
/// </summary>
public sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return _elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
