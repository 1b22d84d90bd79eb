using IArms.Api.Agencies;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Agencies;

public class LiveKeyCacheTests
{
    private static readonly byte[] Hash = ApiKeys.Hash("iak_some-key");
    private static readonly AgencyQueries.LiveKey Key = new() { KeyId = 7, KeyHash = Hash, Roles = "search", AgencyId = 3, AgencyCode = "FR-NCB", CountryCode = "FR" };

    [Test]
    public void AStoredKeyIsFoundUntilItsLifetimeEndsAndThenReadAgain()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var cache = new LiveKeyCache(TimeSpan.FromSeconds(30), clock);
        cache.Store(Hash, Key, cache.Generation);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That(cache.Find(Hash), Is.SameAs(Key));
        Assert.That(cache.Find(ApiKeys.Hash("iak_another-key")), Is.Null);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(cache.Find(Hash), Is.Null, "a key past its lifetime is read from the database again");
    }

    [Test]
    public void ALookupThatBeganBeforeARevocationDoesNotPutTheKeyBack()
    {
        var cache = new LiveKeyCache(TimeSpan.FromSeconds(30), TimeProvider.System);
        cache.Store(Hash, Key, cache.Generation);
        var before = cache.Generation; // a lookup starts, and reads the key while it is still live

        cache.Invalidate(); // the revocation commits
        Assert.That(cache.Find(Hash), Is.Null);
        cache.Store(Hash, Key, before); // the lookup ends after it
        Assert.That(cache.Find(Hash), Is.Null, "the revoked key must not be trusted again");

        cache.Store(Hash, Key, cache.Generation);
        Assert.That(cache.Find(Hash), Is.SameAs(Key), "a lookup begun after the revocation is kept");
    }

    [Test]
    public void WithNoLifetimeNothingIsKept()
    {
        var cache = new LiveKeyCache(TimeSpan.Zero, TimeProvider.System);
        cache.Store(Hash, Key, cache.Generation);
        Assert.That(cache.Find(Hash), Is.Null);
    }
}
