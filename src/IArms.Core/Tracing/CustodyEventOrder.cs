namespace IArms.Core.Tracing;

/// <summary>
/// Chain order: date, then the natural order of event types, then fields that do not depend on
/// the order events arrived in. Comparing every remaining field makes the order total, so two
/// events compare equal only when they are equal records, and any permutation of the input
/// sorts to the same chain even with an unstable sort.
/// </summary>
internal sealed class CustodyEventOrder : IComparer<CustodyEvent>
{
    public static readonly CustodyEventOrder Instance = new();

    public int Compare(CustodyEvent? x, CustodyEvent? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = x.Date.CompareTo(y.Date);
        if (c != 0)
        {
            return c;
        }

        c = ((int)x.Type).CompareTo((int)y.Type);
        if (c != 0)
        {
            return c;
        }

        // The agency that recorded first usually saw the event first; the offset is compared
        // too so that the same instant written in two time zones still orders one way.
        c = x.RecordedAt.UtcTicks.CompareTo(y.RecordedAt.UtcTicks);
        if (c != 0)
        {
            return c;
        }

        c = x.RecordedAt.Offset.CompareTo(y.RecordedAt.Offset);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.Id, y.Id);
        if (c != 0)
        {
            return c;
        }

        // Only duplicated ids get this far.
        c = string.CompareOrdinal(x.Source, y.Source);
        if (c != 0)
        {
            return c;
        }

        c = CompareParty(x.FromParty, y.FromParty);
        if (c != 0)
        {
            return c;
        }

        c = CompareParty(x.ToParty, y.ToParty);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.CountryCode, y.CountryCode);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.Place, y.Place);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.DocumentReference, y.DocumentReference);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.Notes, y.Notes);
        if (c != 0)
        {
            return c;
        }

        return CompareAuthorization(x.Authorization, y.Authorization);
    }

    private static int CompareParty(Party? x, Party? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null) * -1;
        }

        var c = string.CompareOrdinal(x.Name, y.Name);
        if (c != 0)
        {
            return c;
        }

        c = ((int)x.Kind).CompareTo((int)y.Kind);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.CountryCode, y.CountryCode);
        return c != 0 ? c : string.CompareOrdinal(x.Licence, y.Licence);
    }

    private static int CompareAuthorization(Authorization? x, Authorization? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null) * -1;
        }

        var c = ((int)x.Kind).CompareTo((int)y.Kind);
        return c != 0 ? c : string.CompareOrdinal(x.Reference, y.Reference);
    }
}
