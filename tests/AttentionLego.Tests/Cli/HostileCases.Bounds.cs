namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: bounds before work: sizes of inputs, counts, timeouts, runs beyond the machine.</summary>
public static partial class HostileCases
{
    public static void Bounds(HostileCatalogueBuilder b)
    {
    }
}
