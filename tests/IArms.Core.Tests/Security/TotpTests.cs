using IArms.Core.Security;
using IArms.Core.Serials;

namespace IArms.Core.Tests.Security;

/// <summary>RFC 6238's test vectors (HMAC-SHA1, 8 digits) and the rules IArms adds: ±1 step, a code used once.</summary>
public sealed class TotpTests
{
    private static readonly byte[] RfcSecret = "12345678901234567890"u8.ToArray();

    [TestCase(59L, "94287082")]
    [TestCase(1111111109L, "07081804")]
    [TestCase(1111111111L, "14050471")]
    [TestCase(1234567890L, "89005924")]
    [TestCase(2000000000L, "69279037")]
    [TestCase(20000000000L, "65353130")]
    public void TheCodesAreThoseOfRfc6238(long unixSeconds, string expected) =>
        Assert.That(Totp.Code(RfcSecret, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)), digits: 8), Is.EqualTo(expected));

    [Test]
    public void ACodeIsAcceptedOneStepEitherSideAndNotFurther()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var step = Totp.StepAt(now);
        Assert.Multiple(() =>
        {
            Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step), now, 0), Is.EqualTo(step));
            Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step - 1), now, 0), Is.EqualTo(step - 1));
            Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step + 1), now, 0), Is.EqualTo(step + 1));
            Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step - 2), now, 0), Is.Null);
            Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step + 2), now, 0), Is.Null);
            Assert.That(Totp.Verify(RfcSecret, "12345", now, 0), Is.Null);
            Assert.That(Totp.Verify(RfcSecret, null, now, 0), Is.Null);
        });
    }

    [Test]
    public void ACodeOfAStepAlreadyUsedIsRefused()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var step = Totp.StepAt(now);
        Assert.That(Totp.Verify(RfcSecret, Totp.Code(RfcSecret, step), now, lastUsedStep: step), Is.Null);
    }

    [Test]
    public void Base32RoundTripsAndMatchesRfc4648()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Totp.Base32("foobar"u8.ToArray()), Is.EqualTo("MZXW6YTBOI"));
            Assert.That(Totp.FromBase32("mzxw 6ytb oi"), Is.EqualTo("foobar"u8.ToArray()));
            Assert.That(Totp.FromBase32("not base32!"), Is.Null);
            var secret = Totp.NewSecret();
            Assert.That(Totp.FromBase32(Totp.Base32(secret)), Is.EqualTo(secret));
        });
    }
}

/// <summary>How the officer's page explains a match: the characters that differ, and what happened in words.</summary>
public sealed class SerialDifferenceTests
{
    [Test]
    public void LookAlikesAreNamedAndHighlighted()
    {
        var why = SerialDifference.Explain("A8 I23 4S6", "AB 123-456", SerialMatchKind.Confusable);
        Assert.Multiple(() =>
        {
            Assert.That(why.Words, Is.EqualTo("read 8 as B, I as 1 and S as 5 (characters that look alike)"));
            Assert.That(string.Concat(why.Recorded.Where(c => c.Differs).Select(c => c.Value)), Is.EqualTo("B15"));
        });
    }

    [Test]
    public void ASwapAMissingAndAnExtraCharacterAreSaidInWords()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SerialDifference.Explain("AB123465", "AB123456", SerialMatchKind.Fuzzy).Words, Is.EqualTo("two characters swapped"));
            Assert.That(SerialDifference.Explain("AB12456", "AB123456", SerialMatchKind.Fuzzy).Words, Is.EqualTo("one character missing"));
            Assert.That(SerialDifference.Explain("AB1234567", "AB123456", SerialMatchKind.Fuzzy).Words, Is.EqualTo("one character too many"));
            Assert.That(SerialDifference.Explain("AB123457", "AB123456", SerialMatchKind.Fuzzy).Words, Is.EqualTo("read 7 as 6"));
            Assert.That(SerialDifference.Explain("ab 123456", "AB-123456", SerialMatchKind.Normalized).Words, Does.Contain("other spaces"));
            Assert.That(SerialDifference.Explain("AB?23*", "AB123456", SerialMatchKind.Wildcard).Recorded.Any(c => c.Differs), Is.False);
        });
    }
}
