using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class FirearmTypesTests
{
    [Test]
    public void TypesAreTheDesignDocumentCategoriesInOrder()
    {
        Assert.That(
            FirearmTypes.All.Select(t => t.Code),
            Is.EqualTo(new[]
            {
                "pistol", "revolver", "rifle", "carbine", "shotgun", "submachine-gun",
                "machine-gun", "assault-rifle", "grenade-launcher", "other",
            }));
    }

    [Test]
    public void EveryTypeHasADisplayNameAndDescription()
    {
        Assert.That(
            FirearmTypes.All,
            Has.All.Matches<FirearmType>(t => t is not null && !string.IsNullOrWhiteSpace(t.DisplayName) && !string.IsNullOrWhiteSpace(t.Description)));
    }

    [TestCase("pistol", "pistol")]
    [TestCase("Pistols", "pistol")]
    [TestCase("semi-automatic pistol", "pistol")]
    [TestCase("REVOLVER", "revolver")]
    [TestCase("SMG", "submachine-gun")]
    [TestCase("SMGs", "submachine-gun")]
    [TestCase("sub-machine gun", "submachine-gun")]
    [TestCase("Submachine gun", "submachine-gun")]
    [TestCase("submachine-gun", "submachine-gun")]
    [TestCase("MG", "machine-gun")]
    [TestCase("light machine gun", "machine-gun")]
    [TestCase("Machine guns", "machine-gun")]
    [TestCase("assault rifle", "assault-rifle")]
    [TestCase("Assault-Rifle", "assault-rifle")]
    [TestCase("grenade launcher", "grenade-launcher")]
    [TestCase("UGL", "grenade-launcher")]
    [TestCase("shot gun", "shotgun")]
    [TestCase("Shotgun", "shotgun")]
    [TestCase("bolt-action rifle", "rifle")]
    [TestCase("carbine", "carbine")]
    [TestCase("other", "other")]
    public void ResolveMapsCommonWordingToTheTypeCode(string text, string expected)
    {
        Assert.That(FirearmTypes.Resolve(text), Is.EqualTo(expected));
    }

    [TestCase("handgun")]
    [TestCase("automatic rifle")]
    [TestCase("banana")]
    [TestCase("")]
    [TestCase(null)]
    public void ResolveReturnsNullForAmbiguousOrUnknownWording(string? text)
    {
        Assert.That(FirearmTypes.Resolve(text), Is.Null);
    }

    [Test]
    public void FindAndIsValidAcceptOnlyExactCodes()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FirearmTypes.Find("shotgun")?.DisplayName, Is.EqualTo("Shotgun"));
            Assert.That(FirearmTypes.IsValid("assault-rifle"), Is.True);
            Assert.That(FirearmTypes.IsValid("Assault rifle"), Is.False);
            Assert.That(FirearmTypes.Find(null), Is.Null);
        }
    }
}
