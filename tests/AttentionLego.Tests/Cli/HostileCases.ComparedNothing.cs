namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: a check that compared nothing fails: wave diff, scoreboard, shards, lint.</summary>
public static partial class HostileCases
{
    public static void ComparedNothing(HostileCatalogueBuilder b)
    {
    }
}
