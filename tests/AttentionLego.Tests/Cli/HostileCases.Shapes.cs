namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: valid configurations that cannot be co-simulated: refused by the validator with the reason, or simulated.</summary>
public static partial class HostileCases
{
    public static void Shapes(HostileCatalogueBuilder b)
    {
    }
}
