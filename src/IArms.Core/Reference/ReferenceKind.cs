namespace IArms.Core.Reference;

/// <summary>Which reference table an entry or a resolver belongs to; it picks the normalisation rules.</summary>
public enum ReferenceKind
{
    /// <summary>A manufacturer (make).</summary>
    Make,

    /// <summary>A calibre or cartridge designation.</summary>
    Calibre,
}
