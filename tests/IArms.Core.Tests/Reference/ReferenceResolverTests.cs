using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class ReferenceResolverTests
{
    private static readonly ReferenceEntry Beretta = new(1, "Beretta", "IT", ["Pietro Beretta"]);
    private static readonly ReferenceEntry Benelli = new(2, "Benelli Armi", "IT", ["Benelli"]);
    private static readonly ReferenceEntry Bernardelli = new(3, "Bernardelli", "IT", []);
    private static readonly ReferenceEntry SmithWesson = new(4, "Smith & Wesson", "US", ["S&W"]);
    private static readonly ReferenceEntry Glock = new(5, "Glock", "AT", []);
    private static readonly ReferenceEntry Colt = new(6, "Colt's Manufacturing Company", "US", ["Colt"]);
    private static readonly ReferenceEntry Star = new(7, "Star Bonifacio Echeverría", "ES", ["Star"]);
    private static readonly ReferenceEntry Stag = new(8, "Stag Arms", "US", ["Stag"]);

    private static readonly ReferenceResolver Makes =
        new([Beretta, Benelli, Bernardelli, SmithWesson, Glock, Colt, Star, Stag], ReferenceKind.Make);

    private static readonly ReferenceResolver Calibres = new(
        [
            new(1, "9x19mm", null, ["9mm Luger", "9mm Parabellum"]),
            new(2, ".45 ACP", null, ["11.43x23mm"]),
            new(3, ".455 Webley", null, [".455"]),
            new(4, ".38 S&W", null, ["9x20mmR"]),
        ],
        ReferenceKind.Calibre);

    [Test]
    public void CanonicalNameResolvesExactly()
    {
        Assert.That(Makes.Resolve("GLOCK GmbH"), Is.EqualTo(new Resolution(Glock, ResolutionMethod.Exact, 1.0)));
    }

    [Test]
    public void AliasResolvesWithFullConfidence()
    {
        Assert.That(Makes.Resolve("Benelli"), Is.EqualTo(new Resolution(Benelli, ResolutionMethod.Alias, 1.0)));
    }

    [Test]
    public void AliasThatReadsAsTheCanonicalNameCountsAsExact()
    {
        // "Colt's Manufacturing Company" loses its possessive and company words: its key is "colt".
        Assert.That(Makes.Resolve("Colt"), Is.EqualTo(new Resolution(Colt, ResolutionMethod.Exact, 1.0)));
    }

    [Test]
    public void OneLetterTypoResolvesFuzzilyWithLessThanFullConfidence()
    {
        var resolution = Makes.Resolve("Berreta");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolution.Entry, Is.EqualTo(Beretta));
            Assert.That(resolution.Method, Is.EqualTo(ResolutionMethod.Fuzzy));
            Assert.That(resolution.Confidence, Is.InRange(ReferenceResolver.FuzzyThreshold, 0.99));
        }
    }

    [Test]
    public void MissingLetterResolvesFuzzily()
    {
        var resolution = Makes.Resolve("Glok");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolution.Entry, Is.EqualTo(Glock));
            Assert.That(resolution.Method, Is.EqualTo(ResolutionMethod.Fuzzy));
            Assert.That(resolution.Confidence, Is.LessThan(1.0));
        }
    }

    [Test]
    public void GlockNeverResolvesToColt()
    {
        var coltOnly = new ReferenceResolver([Colt], ReferenceKind.Make);

        Assert.That(coltOnly.Resolve("Glock"), Is.EqualTo(Resolution.Unknown));
    }

    [Test]
    public void TypoEquallyCloseToTwoEntriesStaysUnknown()
    {
        var resolver = new ReferenceResolver([new(1, "Sabre Defence", "GB", ["Sabre"]), new(2, "Sable Works", "US", ["Sable"])], ReferenceKind.Make);

        // "Sabte" is one letter from both; guessing would misdirect a trace.
        Assert.That(resolver.Resolve("Sabte"), Is.EqualTo(Resolution.Unknown));
    }

    [TestCase("Ford")]
    [TestCase("Stat")]
    public void ShortNamesForgiveNoChangedLetter(string text)
    {
        // A four-letter name one letter away is usually a different name, not a typo.
        Assert.That(Makes.Resolve(text), Is.EqualTo(Resolution.Unknown));
    }

    [Test]
    public void ShortNameForgivesADoubledLetter()
    {
        Assert.That(Makes.Resolve("Starr").Entry, Is.EqualTo(Star));
    }

    [Test]
    public void ChangedFirstLetterOfAShortNameIsNotATypo()
    {
        var resolver = new ReferenceResolver([new(1, "Sturm, Ruger & Co.", "US", ["Ruger"])], ReferenceKind.Make);

        Assert.That(resolver.Resolve("Luger"), Is.EqualTo(Resolution.Unknown));
    }

    [Test]
    public void LetterDroppedBetweenTwoEqualLettersIsStillOneEdit()
    {
        var resolver = new ReferenceResolver([new(1, "Browning Arms Company", "US", ["Browning"])], ReferenceKind.Make);

        Assert.That(resolver.Resolve("Brownng").Entry?.Id, Is.EqualTo(1));
    }

    [TestCase("FM")]
    [TestCase("SX")]
    [TestCase("Smith")]
    [TestCase("Toyota")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    public void UnrelatedShortOrEmptyTextStaysUnknown(string? text)
    {
        Assert.That(Makes.Resolve(text), Is.EqualTo(Resolution.Unknown));
    }

    [Test]
    public void CalibreTypoMustKeepItsNumbers()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Calibres.Resolve("9mm Lugar").Entry?.Id, Is.EqualTo(1));
            Assert.That(Calibres.Resolve("9x18mm"), Is.EqualTo(Resolution.Unknown));
            Assert.That(Calibres.Resolve("9x91"), Is.EqualTo(Resolution.Unknown));
            Assert.That(Calibres.Resolve("45 APC").Entry?.Id, Is.EqualTo(2));
        }
    }

    [Test]
    public void CalibreWithoutWordsIsNeverGuessed()
    {
        // "9x20" drops the R of "9x20mmR": a case-type letter, not a typo.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Calibres.Resolve("9x20"), Is.EqualTo(Resolution.Unknown));
            Assert.That(Calibres.Resolve("9x20R").Entry?.Id, Is.EqualTo(4));
        }
    }

    [Test]
    public void SuggestRanksShortPrefixedNamesFirstAndCanonicalNamesBeforeAliases()
    {
        var names = Makes.Suggest("Be", 10).Select(s => s.Entry.CanonicalName);

        // "be" covers seven letters of "beretta" and of the alias "benelli", more than of
        // "bernardelli"; between the first two, the canonical name wins.
        Assert.That(names, Is.EqualTo(new[] { "Beretta", "Benelli Armi", "Bernardelli" }));
    }

    [Test]
    public void SuggestBreaksTiesByName()
    {
        var resolver = new ReferenceResolver([new(1, "Zeta", "US", []), new(2, "Zeal", "US", []), new(3, "Zest", "US", [])], ReferenceKind.Make);

        Assert.That(resolver.Suggest("ze", 3).Select(s => s.Entry.CanonicalName), Is.EqualTo(new[] { "Zeal", "Zest", "Zeta" }));
    }

    [Test]
    public void SuggestPutsTheExactNameFirst()
    {
        var suggestions = Makes.Suggest("beretta", 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(suggestions[0], Is.EqualTo((Beretta, 1.0)));
            Assert.That(suggestions.Skip(1).Select(s => s.Score), Has.All.LessThan(1.0));
        }
    }

    [Test]
    public void SuggestFindsWordsInsideNamesBelowPrefixes()
    {
        var suggestions = Makes.Suggest("wesson", 5);

        Assert.That(suggestions.Select(s => s.Entry), Is.EqualTo(new[] { SmithWesson }));
    }

    [Test]
    public void SuggestDoesNotTreatTheStartOfANumberAsAPrefix()
    {
        var names = Calibres.Suggest(".45", 5).Select(s => s.Entry.CanonicalName);

        Assert.That(names, Is.EqualTo(new[] { ".45 ACP", ".455 Webley" }));
    }

    [Test]
    public void SuggestFindsHalfTypedMisspellings()
    {
        Assert.That(Makes.Suggest("berre", 1).Single().Entry, Is.EqualTo(Beretta));
    }

    [Test]
    public void SuggestScoresAreOrderedAndLimited()
    {
        var suggestions = Makes.Suggest("s", 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(suggestions, Has.Count.EqualTo(2));
            Assert.That(suggestions.Select(s => s.Score), Is.Ordered.Descending);
        }
    }

    [Test]
    public void SuggestWithoutQueryListsEntriesByName()
    {
        var names = Makes.Suggest(" ", 100).Select(s => s.Entry.CanonicalName);

        Assert.That(names, Is.EqualTo(new[]
        {
            "Benelli Armi", "Beretta", "Bernardelli", "Colt's Manufacturing Company", "Glock",
            "Smith & Wesson", "Stag Arms", "Star Bonifacio Echeverría",
        }));
    }

    [Test]
    public void EntriesSortByNameIgnoringAccents()
    {
        var resolver = new ReferenceResolver(
            [new(1, "Zastava Arms", "RS", []), new(2, "Česká zbrojovka", "CZ", []), new(3, "Colt", "US", [])],
            ReferenceKind.Make);

        Assert.That(resolver.Entries.Select(e => e.Id), Is.EqualTo(new long[] { 2, 3, 1 }));
    }

    [Test]
    public void SuggestRejectsANonPositiveLimit()
    {
        Assert.That(() => Makes.Suggest("be", 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void TableWhoseAliasNamesTwoEntriesIsRejected()
    {
        ReferenceEntry[] entries = [new(1, "Arsenal AD", "BG", ["Arsenal"]), new(2, "Arsenal Firearms", "IT", ["Arsenal S.r.l."])];

        Assert.That(
            () => new ReferenceResolver(entries, ReferenceKind.Make),
            Throws.ArgumentException.With.Message.Contains("Arsenal S.r.l."));
    }

    [Test]
    public void TableWithDuplicateIdsIsRejected()
    {
        Assert.That(
            () => new ReferenceResolver([new(1, "Glock", "AT", []), new(1, "Colt", "US", [])], ReferenceKind.Make),
            Throws.ArgumentException);
    }

    [Test]
    public void ResolverIsSafeToShareBetweenThreads()
    {
        var results = new Resolution[64];
        Parallel.For(0, results.Length, i => results[i] = Makes.Resolve(i % 2 == 0 ? "Berreta" : "S & W"));

        Assert.That(results.Select(r => r.Entry), Has.All.AnyOf(Beretta, SmithWesson));
    }
}
